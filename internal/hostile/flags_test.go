package hostile

import "testing"

// TestFlags: flag values that parse but make no sense are refused with the
// flag's name, before any work.
func TestFlags(t *testing.T) {
	x := Points("x.npy", 200, 5)
	three := Points("x.npy", 3, 4)
	est := func(a ...string) []string { return append(append([]string{"estimate"}, a...), "x.npy") }
	Run(t, []Case{
		{Name: "fraction NaN", Args: est("--resample", "3", "--fraction", "NaN"), Setup: x, Exit: 2, Stderr: "--fraction NaN"},
		{Name: "fraction 0", Args: est("--fraction", "0"), Setup: x, Exit: 2, Stderr: "--fraction 0"},
		{Name: "fraction negative", Args: est("--fraction", "-0.5"), Setup: x, Exit: 2, Stderr: "--fraction -0.5"},
		{Name: "fraction above 1", Args: est("--fraction", "1.5"), Setup: x, Exit: 2, Stderr: "--fraction 1.5"},
		{Name: "fraction Inf", Args: est("--fraction", "Inf"), Setup: x, Exit: 2, Stderr: "--fraction +Inf"},
		{Name: "discard NaN", Args: est("--discard", "NaN"), Setup: x, Exit: 2, Stderr: "--discard NaN"},
		{Name: "mem NaN", Args: est("--mem", "NaN"), Setup: x, Exit: 2, Stderr: "-mem"},
		{Name: "mem Inf", Args: est("--mem", "Inf"), Setup: x, Exit: 2, Stderr: "-mem"},
		{Name: "mem half a byte", Args: est("--mem", "0.5"), Setup: x, Exit: 2, Stderr: "smallest budget"},
		{Name: "mem negative", Args: est("--mem", "-1G"), Setup: x, Exit: 2, Stderr: "-mem"},
		{Name: "mem too large", Args: est("--mem", "1e30T"), Setup: x, Exit: 2, Stderr: "too large"},
		{Name: "mem garbage", Args: est("--mem", "lots"), Setup: x, Exit: 2, Stderr: "bad size"},
		{Name: "resample huge", Args: est("--resample", "1000000000"), Setup: x, Exit: 2, Stderr: "need 1.31 TiB of memory"},
		{Name: "resample huge streamed", Args: est("--resample", "1000000000", "--mem", "1K"), Setup: x, Exit: 2, Stderr: "need 1.31 TiB of memory"},
		{Name: "resample huge profile", Args: []string{"profile", "--resample", "1000000000", "x.npy"}, Setup: x, Exit: 2, Stderr: "need 1.31 TiB of memory"},
		{Name: "resample negative", Args: est("--resample", "-2"), Setup: x, Exit: 2, Stderr: "--resample -2"},
		{Name: "k negative", Args: est("--k", "-3"), Setup: x, Exit: 2, Stderr: "--k -3"},
		{Name: "k huge", Args: est("--method", "mle", "--k", "1000000000"), Setup: x, Exit: 2, Stderr: "k = 1000000000"},
		{Name: "k overflow", Args: est("--k", "99999999999999999999"), Setup: x, Exit: 2, Stderr: "-k"},
		{Name: "max-rank negative", Args: est("--max-rank", "-1"), Setup: x, Exit: 2, Stderr: "--max-rank -1"},
		{Name: "threads negative", Args: est("--threads", "-1"), Setup: x, Exit: 2, Stderr: "--threads -1"},
		{Name: "threads huge", Args: est("--threads", "100000000"), Setup: x, Exit: 2, Stderr: "--threads 100000000"},
		{Name: "seed negative", Args: est("--seed", "-1"), Setup: x, Exit: 2, Stderr: "-seed"},
		{Name: "unknown flag", Args: est("--frobnicate"), Setup: x, Exit: 2, Stderr: "frobnicate"},
		{Name: "search unknown", Args: est("--search", "fast"), Setup: x, Exit: 2, Stderr: `--search: unknown search "fast"`},
		{Name: "search empty", Args: est("--search", ""), Setup: x, Exit: 2, Stderr: "--search: empty (want auto, brute or pruned)"},
		{Name: "search empty on overlap", Args: []string{"overlap", "x.npy", "x.npy", "--search="}, Setup: x, Exit: 2, Stderr: "--search: empty (want auto, brute or pruned)"},
		{Name: "search on local unknown", Args: []string{"local", "x.npy", "--search", "kd"}, Setup: x, Exit: 2, Stderr: `--search: unknown search "kd"`},
		{Name: "kstar-maxk 1", Args: est("--method", "gride-auto", "--kstar-maxk", "1"), Setup: x, Exit: 2, Stderr: "--kstar-maxk 1,"},
		{Name: "kstar-alpha NaN", Args: est("--method", "gride-auto", "--kstar-alpha", "NaN"), Setup: x, Exit: 2, Stderr: "--kstar-alpha NaN"},
		{Name: "kstar-alpha 1", Args: est("--method", "gride-auto", "--kstar-alpha", "1"), Setup: x, Exit: 2, Stderr: "--kstar-alpha 1,"},
		{Name: "kstar-iter huge", Args: est("--method", "gride-auto", "--kstar-iter", "1000000000"), Setup: x, Exit: 2, Stderr: "--kstar-iter 1000000000"},
		{Name: "knn-k negative", Args: est("--method", "knn", "--knn-k", "-1"), Setup: x, Exit: 2, Stderr: "--knn-k -1"},
		{Name: "knn-gamma NaN", Args: est("--method", "knn", "--knn-gamma", "NaN"), Setup: x, Exit: 2, Stderr: "--knn-gamma NaN"},
		{Name: "knn-gamma Inf", Args: est("--method", "knn", "--knn-gamma", "Inf"), Setup: x, Exit: 2, Stderr: "--knn-gamma +Inf"},
		{Name: "knn-m huge", Args: est("--method", "knn", "--knn-m", "1000000000"), Setup: x, Exit: 2, Stderr: "--knn-m 1e+09: need"},
		{Name: "knn-ps not above k", Args: est("--method", "knn", "--knn-ps", "2,3"), Setup: x, Exit: 2, Stderr: "--knn-ps 2: need sample sizes above k = 2"},
		{Name: "knn-ps garbage", Args: est("--method", "knn", "--knn-ps", "3,x"), Setup: x, Exit: 2, Stderr: "-knn-ps"},
		{Name: "knn-ps huge", Args: est("--method", "knn", "--knn-ps", "3,999999999999"), Setup: x, Exit: 2, Stderr: "--knn-ps 9.99999999999e+11: need"},
		{Name: "knn-ps above n", Args: est("--method", "knn", "--knn-ps", "3,201"), Setup: x, Exit: 2, Stderr: "p ≤ n = 200"},
		{Name: "danco-k 1", Args: est("--method", "danco", "--danco-k", "1"), Setup: x, Exit: 2, Stderr: "--danco-k 1"},
		{Name: "danco-k huge", Args: est("--method", "danco", "--danco-k", "1000000000"), Setup: x, Exit: 2, Stderr: "k = 1000000001"},
		{Name: "danco-d negative", Args: est("--method", "danco", "--danco-d", "-1"), Setup: x, Exit: 2, Stderr: "--danco-d -1"},
		{Name: "danco-d huge", Args: est("--method", "danco", "--danco-d", "1000000000"), Setup: x, Exit: 2, Stderr: "set --danco-d"},
		{Name: "danco-fractal garbage", Args: est("--method", "danco", "--danco-fractal", "maybe"), Setup: x, Exit: 2, Stderr: "-danco-fractal"},
		{Name: "blocks negative", Args: []string{"scale", "--blocks", "-1", "x.npy"}, Setup: x, Exit: 2, Stderr: "--blocks -1"},
		{Name: "blocks huge", Args: []string{"scale", "--blocks", "1000000000", "x.npy"}, Setup: x, Exit: 2, Stderr: "--blocks 1000000000"},
		{Name: "scale ignores resample", Args: []string{"scale", "--resample", "20", "x.npy"}, Setup: x, Exit: 2, Stderr: "--resample: not used by scale"},
		{Name: "scale ignores method", Args: []string{"scale", "--method", "mle", "--k", "5", "x.npy"}, Setup: x, Exit: 2, Stderr: "--k, --method: not used by scale"},
		{Name: "decimate 3 rows", Args: []string{"scale", "--decimate", "x.npy"}, Setup: three, Exit: 2, Stderr: "too few"},
		{Name: "blocks 3 rows json", Args: []string{"scale", "--decimate", "--format", "json", "x.npy"}, Setup: three, Exit: 2, Stderr: "decimation"},
	})
}
