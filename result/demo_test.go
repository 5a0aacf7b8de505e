package result

import (
	"encoding/json"
	"testing"

	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/study"
)

func TestDemoDocument(t *testing.T) {
	if nn.LogKind != string(KindTrainLog) || nn.LogVersion != Version {
		t.Fatalf("nn.Log is %s version %d", nn.LogKind, nn.LogVersion)
	}
	if study.DocVersion != Version {
		t.Fatalf("study.DocVersion %d, result.Version %d", study.DocVersion, Version)
	}
	b, err := json.Marshal(NewDemo(&study.Demo{Method: "twonn", N: 10, Models: []study.DemoModel{{Name: "m"}}}))
	if err != nil {
		t.Fatal(err)
	}
	k, err := Detect(b)
	if err != nil || k != KindDemo {
		t.Fatalf("kind %q, %v", k, err)
	}
	var back Demo
	if err := json.Unmarshal(b, &back); err != nil || back.Version != Version || back.Demo.N != 10 || back.Models[0].Name != "m" {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
