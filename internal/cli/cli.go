// Package cli implements the intdim command line. Every subcommand lives in
// its own file, registers itself in init with Register, and has the shape
// run(args, stdout, stderr) error. Errors wrapped with Usage or BadInput exit
// with status 2; any other error exits with status 1.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for the help listing
	Run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*Command{}

// Register adds a subcommand; it panics on a duplicate name.
func Register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// ExitError carries an exit status.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Usage marks err as bad usage (exit status 2).
func Usage(format string, a ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, a...)}
}

// BadInput marks err as bad input data (exit status 2). A nil err stays nil.
func BadInput(err error) error {
	if err == nil {
		return nil
	}
	var e *ExitError
	if errors.As(err, &e) {
		return err
	}
	return &ExitError{Code: 2, Err: err}
}

// Main runs the command line args (without the program name) and returns the
// process exit status. Errors are printed as one line on stderr. A panic in
// the command's goroutine is the last line of defence: it is printed as one
// line, "intdim: internal error: …", with status 1, never as a stack trace.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.ReplaceAll(fmt.Sprint(r), "\n", " ")
			fmt.Fprintf(stderr, "intdim: internal error: %s (please report it)\n", msg)
			code = 1
		}
	}()
	if len(args) == 2 && args[0] == "help" && commands[args[1]] != nil {
		args = []string{args[1], "-h"} // intdim help CMD: the command's own help
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printHelp(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "intdim", Version)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "intdim: unknown command %q (run 'intdim help')\n", args[0])
		return 2
	}
	err := c.Run(args[1:], stdout, stderr)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	err = flagWords(err)
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(stderr, "intdim %s: %s\n", c.Name, msg)
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return 1
}

// Version is the tool's version, printed by 'intdim version' and in reports.
var Version = "0.1.0-dev"

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "intdim measures the intrinsic dimension of data and of neural-network layers.")
	fmt.Fprintln(w, "\nUsage: intdim COMMAND [flags] [INPUT...]   (intdim COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(w, "\nThe commands that search neighbours (estimate, scale, profile, local, overlap, imbalance) take")
	fmt.Fprintln(w, "--search auto|brute|pruned: brute force, or exact neighbours pruned with the spectrum (the same")
	fmt.Fprintln(w, "neighbours bit for bit); auto, the default, prunes when the cost model predicts a gain.")
}

// NewFlagSet returns a flag set that reports errors as Usage errors instead
// of exiting, and prints its help to stderr.
func NewFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("intdim "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Parse parses args with fs, allowing flags after positional arguments
// (intdim estimate FILE --method all). A parse failure is a Usage error.
// On -h it prints the flag set's usage; on a bad flag it prints nothing and
// returns the one-line error (the usage is not repeated after it).
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				if usage != nil {
					usage()
				} else {
					fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
					fs.PrintDefaults()
				}
				return nil, err
			}
			return nil, &ExitError{Code: 2, Err: fmt.Errorf("%v (see intdim %s -h)", err, strings.TrimPrefix(fs.Name(), "intdim "))}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseFormat is Parse followed by the check of the --format value.
// format points to the flag's variable, read after parsing.
func parseFormat(fs *flag.FlagSet, args []string, format *string) ([]string, error) {
	pos, err := Parse(fs, args)
	if err != nil {
		return nil, err
	}
	return pos, checkFormat(*format)
}
