// Command intdim measures the intrinsic dimension of data and of the layers
// of neural networks. Run 'intdim help' for the commands.
package main

import (
	"os"

	"github.com/intdim/intdim/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
