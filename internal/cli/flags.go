package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// flagSet is a subcommand's flags, bound to ORGDIR_* environment variables.
type flagSet struct {
	*flag.FlagSet
	path     string // e.g. "tenant create"
	about    string // what the command does, for --help
	required []string
	// unchanged are flags of a command that changes only what it is given:
	// their default is never applied, so help says so instead of showing it.
	unchanged map[string]bool
	set       map[string]bool // given on the command line or by the environment
	// file, when set, takes the command's one argument (a file name),
	// before or after the flags.
	file *string
}

func newFlags(path, about string) *flagSet {
	fs := flag.NewFlagSet("orgdir "+path, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by Run
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, path: path, about: about, set: map[string]bool{}}
}

// keepUnlessGiven marks flags whose absence leaves the setting as it is.
func (f *flagSet) keepUnlessGiven(names ...string) {
	if f.unchanged == nil {
		f.unchanged = map[string]bool{}
	}
	for _, n := range names {
		f.unchanged[n] = true
	}
}

// require marks flags that must be given (by flag or environment).
func (f *flagSet) require(names ...string) { f.required = append(f.required, names...) }

// envName is the environment variable of a flag: --purge-interval is
// ORGDIR_PURGE_INTERVAL.
func envName(flagName string) string {
	return "ORGDIR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads args, then fills every flag not given from its environment
// variable, then checks the required ones. --help prints the help to stdout
// and returns errHelp.
func (f *flagSet) parse(e *env, args []string) error {
	e.flags = f
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.help(e.stdout)
			return errHelp
		}
		return usageErrorf("%s: %v (run 'orgdir %s --help')", f.path, err, f.path)
	}
	if f.file != nil && f.NArg() > 0 && *f.file == "" {
		*f.file = f.Arg(0)
		if err := f.Parse(f.Args()[1:]); err != nil {
			return usageErrorf("%s: %v (run 'orgdir %s --help')", f.path, err, f.path)
		}
	}
	if f.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q (run 'orgdir %s --help')", f.path, f.Arg(0), f.path)
	}
	f.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	var envErr error
	f.VisitAll(func(fl *flag.Flag) {
		if f.set[fl.Name] || envErr != nil {
			return
		}
		v := e.getenv(envName(fl.Name))
		if v == "" {
			return
		}
		if err := f.Set(fl.Name, v); err != nil {
			envErr = usageErrorf("%s: environment variable %s=%q: %v", f.path, envName(fl.Name), v, err)
			return
		}
		f.set[fl.Name] = true
	})
	if envErr != nil {
		return envErr
	}
	for _, name := range f.required {
		if f.Lookup(name).Value.String() == "" {
			return usageErrorf("%s: --%s is required (or set %s)", f.path, name, envName(name))
		}
	}
	return nil
}

// given reports whether a flag was set by the command line or environment.
func (f *flagSet) given(name string) bool { return f.set[name] }

// help prints what the command does and each flag with its variable.
func (f *flagSet) help(w io.Writer) {
	fmt.Fprintf(w, "Usage: orgdir %s [flags]\n\n%s\n\nFlags:\n", f.path, f.about)
	req := map[string]bool{}
	for _, r := range f.required {
		req[r] = true
	}
	var lines []string
	f.VisitAll(func(fl *flag.Flag) {
		typ, usage := flag.UnquoteUsage(fl)
		head := "  --" + fl.Name
		if typ != "" {
			head += " " + typ
		}
		var notes []string
		if req[fl.Name] {
			notes = append(notes, "required")
		}
		if u, ok := strings.CutSuffix(usage, " (optional)"); ok {
			usage = u
			notes = append(notes, "optional")
		}
		switch {
		case f.unchanged[fl.Name]:
			notes = append(notes, "unchanged if not given")
		case fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "[]":
			notes = append(notes, "default "+fl.DefValue)
		}
		notes = append(notes, "env "+envName(fl.Name))
		lines = append(lines, fmt.Sprintf("%s\n        %s (%s)\n", head, usage, strings.Join(notes, "; ")))
	})
	sort.Strings(lines)
	fmt.Fprint(w, strings.Join(lines, ""))
	fmt.Fprint(w, "  --help\n        print this help\n")
}

// stringList is a flag that may be repeated; from the environment it takes
// a comma-separated list.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}
