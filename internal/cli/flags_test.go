package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// testEnv is an invocation whose environment is vars.
func testEnv(vars map[string]string) (*env, *bytes.Buffer) {
	var out bytes.Buffer
	return &env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &out}, &out
}

func TestEnvName(t *testing.T) {
	for flagName, want := range map[string]string{
		"addr":           "ORGDIR_ADDR",
		"purge-interval": "ORGDIR_PURGE_INTERVAL",
		"data-dir":       "ORGDIR_DATA_DIR",
	} {
		if got := envName(flagName); got != want {
			t.Errorf("envName(%q) = %q, want %q", flagName, got, want)
		}
	}
}

func TestFlagsComeFromTheEnvironmentWhenNotGiven(t *testing.T) {
	e, _ := testEnv(map[string]string{"ORGDIR_PURGE_INTERVAL": "5m", "ORGDIR_DEMO": "true", "ORGDIR_NAME": "Contoso"})
	f := newFlags("test", "")
	interval := f.Duration("purge-interval", time.Hour, "")
	demo := f.Bool("demo", false, "")
	name := f.String("name", "", "")
	if err := f.parse(e, nil); err != nil {
		t.Fatalf("parse: %v", err)
	}
	if *interval != 5*time.Minute || !*demo || *name != "Contoso" {
		t.Errorf("got interval=%v demo=%v name=%q, want the environment's 5m, true, Contoso", *interval, *demo, *name)
	}
	for _, n := range []string{"purge-interval", "demo", "name"} {
		if !f.given(n) {
			t.Errorf("given(%q) = false for a flag set by the environment", n)
		}
	}
}

func TestAFlagOnTheCommandLineWinsOverTheEnvironment(t *testing.T) {
	e, _ := testEnv(map[string]string{"ORGDIR_ADDR": ":9999"})
	f := newFlags("test", "")
	addr := f.String("addr", ":8080", "")
	if err := f.parse(e, []string{"--addr", "127.0.0.1:1"}); err != nil {
		t.Fatalf("parse: %v", err)
	}
	if *addr != "127.0.0.1:1" {
		t.Errorf("addr = %q, want the command line's", *addr)
	}
}

func TestABadEnvironmentValueNamesItsVariable(t *testing.T) {
	e, _ := testEnv(map[string]string{"ORGDIR_PURGE_BATCH": "lots"})
	f := newFlags("serve", "")
	f.Int("purge-batch", 500, "")
	err := f.parse(e, nil)
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "ORGDIR_PURGE_BATCH") || !strings.Contains(err.Error(), "lots") {
		t.Fatalf("parse = %v, want a usage error naming ORGDIR_PURGE_BATCH and its value", err)
	}
}

func TestARequiredFlagMissingSaysWhichAndItsVariable(t *testing.T) {
	e, _ := testEnv(nil)
	f := newFlags("tenant create", "")
	f.String("domain", "", "")
	f.require("domain")
	err := f.parse(e, nil)
	if err == nil || !strings.Contains(err.Error(), "--domain is required") || !strings.Contains(err.Error(), "ORGDIR_DOMAIN") {
		t.Fatalf("parse = %v, want it to name --domain and ORGDIR_DOMAIN", err)
	}
}

func TestStrayArgumentsAreRefused(t *testing.T) {
	e, _ := testEnv(nil)
	f := newFlags("tenant list", "")
	if err := f.parse(e, []string{"contoso"}); err == nil || !strings.Contains(err.Error(), `"contoso"`) {
		t.Fatalf("parse = %v, want a refusal naming the argument", err)
	}
}

func TestHelpListsEveryFlagWithItsVariableAndDefault(t *testing.T) {
	e, out := testEnv(nil)
	f := newFlags("serve", "Runs the server.")
	f.String("addr", ":8080", "`host:port` to listen on")
	f.Duration("purge-interval", time.Hour, "how often")
	f.String("base-url", "", "public `URL`")
	f.require("base-url")
	if err := f.parse(e, []string{"--help"}); !errors.Is(err, errHelp) {
		t.Fatalf("parse(--help) = %v, want errHelp", err)
	}
	text := out.String()
	for _, want := range []string{
		"Usage: orgdir serve [flags]", "Runs the server.",
		"--addr host:port", "default :8080", "env ORGDIR_ADDR",
		"--purge-interval duration", "env ORGDIR_PURGE_INTERVAL",
		"--base-url URL", "required", "env ORGDIR_BASE_URL",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("help lacks %q:\n%s", want, text)
		}
	}
}

func TestStringListTakesRepeatsAndCommas(t *testing.T) {
	var s stringList
	for _, v := range []string{"a=A", "b=B, c=C", " "} {
		if err := s.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(s, "|"); got != "a=A|b=B|c=C" {
		t.Errorf("list = %q, want a=A|b=B|c=C", got)
	}
}
