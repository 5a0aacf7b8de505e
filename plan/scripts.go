package plan

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Script is a file written beside a plan for a scheduler.
type Script struct {
	Path string
	Data []byte
	Exec bool // an executable shell script
}

// SchedOptions configure the scheduler files: the intdim binary the tasks
// run (an absolute path), how many tasks run at once (0: all), and the
// container image of the Kubernetes Job.
type SchedOptions struct {
	Intdim      string
	MaxParallel int
	Image       string
}

// quote quotes s for a POSIX shell.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '_' || r == '-' || r == '+' || r == ':' || r == '=' || r == ',' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// base is the plan's path without its .json extension.
func base(planPath string) string { return strings.TrimSuffix(PartsDir(planPath), ".parts") }

// jobName is a scheduler job name made of the plan's file name.
func jobName(planPath string) string {
	n := filepath.Base(base(planPath))
	n = strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '-'
	}, n)
	return strings.Trim("intdim-"+n, "-")
}

func (o SchedOptions) parallel(n int) int {
	if o.MaxParallel <= 0 || o.MaxParallel > n {
		return n
	}
	return o.MaxParallel
}

// Slurm returns the Slurm files of the plan of n tasks at planPath (an
// absolute path): PLAN.sbatch, the job array (task i runs
// 'intdim run-task PLAN --index $SLURM_ARRAY_TASK_ID', at most
// MaxParallel at once); PLAN.merge.sbatch, the merge (writes
// PLAN.profile.json); and PLAN.submit.sh, which submits the array and then
// the merge with --dependency=afterok on it, and prints both job ids.
// Logs go to PLAN.parts/slurm-*.out. taskMem, when positive, is asked for
// with #SBATCH --mem.
func Slurm(planPath string, n int, taskMem int64, o SchedOptions) []Script {
	b := base(planPath)
	parts := PartsDir(planPath)
	name := jobName(planPath)
	var arr strings.Builder
	fmt.Fprintf(&arr, "#!/bin/sh\n# intdim plan: the neighbour search of %s cut into %d tasks.\n", filepath.Base(planPath), n)
	fmt.Fprintf(&arr, "# Submit with %s (the merge runs after the array).\n", quote(b+".submit.sh"))
	fmt.Fprintf(&arr, "#SBATCH --job-name=%s\n#SBATCH --array=0-%d%%%d\n", name, n-1, o.parallel(n))
	fmt.Fprintf(&arr, "#SBATCH --output=%s/slurm-%%A_%%a.out\n", parts)
	if taskMem > 0 {
		fmt.Fprintf(&arr, "#SBATCH --mem=%dM\n", (taskMem+(1<<20)-1)>>20)
	}
	fmt.Fprintf(&arr, "exec %s run-task %s --index \"$SLURM_ARRAY_TASK_ID\"\n", quote(o.Intdim), quote(planPath))
	var mrg strings.Builder
	fmt.Fprintf(&mrg, "#!/bin/sh\n# intdim merge of %s: every task's partial, checked, into the profile.\n", filepath.Base(planPath))
	fmt.Fprintf(&mrg, "#SBATCH --job-name=%s-merge\n#SBATCH --output=%s/slurm-merge-%%j.out\n", name, parts)
	fmt.Fprintf(&mrg, "exec %s merge %s --format json --out %s\n", quote(o.Intdim), quote(planPath), quote(b+".profile.json"))
	var sub strings.Builder
	fmt.Fprintf(&sub, "#!/bin/sh\n# Submits the task array of %s, then its merge once every task succeeded.\nset -e\n", filepath.Base(planPath))
	fmt.Fprintf(&sub, "mkdir -p %s\n", quote(parts))
	fmt.Fprintf(&sub, "array=$(sbatch --parsable %s)\narray=${array%%%%;*}\n", quote(b+".sbatch"))
	fmt.Fprintf(&sub, "merge=$(sbatch --parsable --dependency=afterok:\"$array\" --kill-on-invalid-dep=yes %s)\nmerge=${merge%%%%;*}\n", quote(b+".merge.sbatch"))
	fmt.Fprintf(&sub, "echo \"array job $array, merge job $merge (result: %s)\"\n", strings.ReplaceAll(b+".profile.json", `"`, `\"`))
	return []Script{
		{Path: b + ".sbatch", Data: []byte(arr.String())},
		{Path: b + ".merge.sbatch", Data: []byte(mrg.String())},
		{Path: b + ".submit.sh", Data: []byte(sub.String()), Exec: true},
	}
}

// K8s returns PLAN.k8s.yaml, a Kubernetes Indexed Job of the n tasks of
// the plan at planPath (completionMode Indexed, completions n, parallelism
// MaxParallel; each pod runs 'intdim run-task PLAN', which reads
// $JOB_COMPLETION_INDEX). The pods must see the plan's directory and the
// inputs at the same paths: the manifest mounts a PersistentVolumeClaim,
// intdim-data, at the plan's directory (edit it to fit). Merge once the Job
// completes: kubectl wait --for=condition=complete job/NAME, then
// intdim merge PLAN.
func K8s(planPath string, n int, taskMem int64, o SchedOptions) Script {
	name := jobName(planPath)
	image := o.Image
	if image == "" {
		image = "intdim:latest"
	}
	js := func(s string) string { return fmt.Sprintf("%q", s) }
	var y strings.Builder
	fmt.Fprintf(&y, "# intdim plan %s: %d tasks as a Kubernetes Indexed Job.\n", filepath.Base(planPath), n)
	fmt.Fprintf(&y, "# kubectl apply -f %s && kubectl wait --for=condition=complete --timeout=24h job/%s\n", filepath.Base(base(planPath))+".k8s.yaml", name)
	fmt.Fprintf(&y, "# then: intdim merge %s\n", planPath)
	fmt.Fprintf(&y, "# The pods must see the plan's directory and the inputs at the same paths (the volume below).\n")
	fmt.Fprintf(&y, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\nspec:\n", name)
	fmt.Fprintf(&y, "  completionMode: Indexed\n  completions: %d\n  parallelism: %d\n  backoffLimit: %d\n", n, o.parallel(n), 3*n)
	fmt.Fprintf(&y, "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: task\n")
	fmt.Fprintf(&y, "        image: %s\n", js(image))
	fmt.Fprintf(&y, "        command: [%s, \"run-task\", %s]\n", js(o.Intdim), js(planPath))
	if taskMem > 0 {
		fmt.Fprintf(&y, "        resources:\n          requests:\n            memory: \"%dMi\"\n", (taskMem+(1<<20)-1)>>20)
	}
	dir := filepath.Dir(planPath)
	fmt.Fprintf(&y, "        volumeMounts:\n        - name: data\n          mountPath: %s\n", js(dir))
	fmt.Fprintf(&y, "      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: intdim-data\n")
	return Script{Path: base(planPath) + ".k8s.yaml", Data: []byte(y.String())}
}
