package main

import (
	"errors"
	"fmt"
	"os"

	"regexp"
	"sort"
	"strings"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Manifest is what the local runner takes from s.yaml: the functions, the API routes of the
// custom domain, and the timer schedules.
type Manifest struct {
	Functions []Function
	Routes    []Route
}

// Function is one fc3 resource.
type Function struct {
	Dir    string // directory under functions/ (from `code: ./dist/<dir>`)
	Name   string // FC function name, cloudlens-<dir>
	HTTP   bool   // has an HTTP trigger
	Timers []Timer
}

// Timer is a timer trigger of a function.
type Timer struct {
	Name     string
	Cron     string // six fields, seconds first, optionally prefixed CRON_TZ=…
	Payload  string
	Schedule cron.Schedule
}

// Route sends requests whose path matches Path (FC custom-domain syntax: exact, or a
// trailing /* for the subtree) to a function.
type Route struct {
	Function string // FC function name
	Path     string
}

// Pattern is the net/http ServeMux pattern of the route.
func (r Route) Pattern() string {
	if p, ok := strings.CutSuffix(r.Path, "/*"); ok {
		return p + "/"
	}
	return r.Path
}

type rawManifest struct {
	Resources map[string]struct {
		Component string `yaml:"component"`
		Props     struct {
			FunctionName string `yaml:"functionName"`
			Code         string `yaml:"code"`
			Triggers     []struct {
				TriggerName   string `yaml:"triggerName"`
				TriggerType   string `yaml:"triggerType"`
				TriggerConfig struct {
					CronExpression string `yaml:"cronExpression"`
					Payload        string `yaml:"payload"`
					Enable         *bool  `yaml:"enable"`
				} `yaml:"triggerConfig"`
			} `yaml:"triggers"`
			RouteConfig struct {
				Routes []struct {
					FunctionName string `yaml:"functionName"`
					Path         string `yaml:"path"`
				} `yaml:"routes"`
			} `yaml:"routeConfig"`
		} `yaml:"props"`
	} `yaml:"resources"`
}

var (
	codeDir   = regexp.MustCompile(`^\./dist/([a-z][a-z0-9]*)$`)
	routePath = regexp.MustCompile(`^/api/v1/[a-z0-9/-]+[a-z0-9](/\*)?$`)
	cronParse = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
)

// LoadManifest reads and checks s.yaml. Every problem is reported together, so a bad file is
// fixed in one edit and the runner never starts half-configured.
func LoadManifest(file string) (Manifest, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Manifest{}, fmt.Errorf("s.yaml: %w", err)
	}
	return ParseManifest(b)
}

// ParseManifest parses and checks the content of s.yaml.
func ParseManifest(b []byte) (Manifest, error) {
	var raw rawManifest
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return Manifest{}, fmt.Errorf("s.yaml: %w", err)
	}
	var m Manifest
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	keys := make([]string, 0, len(raw.Resources))
	for k := range raw.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	names := map[string]bool{}
	for _, key := range keys {
		res := raw.Resources[key]
		switch res.Component {
		case "fc3":
			f := Function{Name: res.Props.FunctionName}
			sub := codeDir.FindStringSubmatch(res.Props.Code)
			if sub == nil {
				bad("resource %s: code %q must be ./dist/<function directory>", key, res.Props.Code)
				continue
			}
			f.Dir = sub[1]
			if f.Name != "cloudlens-"+f.Dir {
				bad("resource %s: functionName %q must be cloudlens-%s", key, f.Name, f.Dir)
			}
			if names[f.Name] {
				bad("resource %s: function %s is declared twice", key, f.Name)
			}
			names[f.Name] = true
			for _, t := range res.Props.Triggers {
				switch t.TriggerType {
				case "http":
					f.HTTP = true
				case "timer":
					if t.TriggerConfig.Enable != nil && !*t.TriggerConfig.Enable {
						continue
					}
					sched, err := cronParse.Parse(t.TriggerConfig.CronExpression)
					if err != nil {
						bad("resource %s: timer %s: cron %q: %v", key, t.TriggerName, t.TriggerConfig.CronExpression, err)
						continue
					}
					f.Timers = append(f.Timers, Timer{Name: t.TriggerName, Cron: t.TriggerConfig.CronExpression, Payload: t.TriggerConfig.Payload, Schedule: sched})
				default:
					bad("resource %s: trigger %s has unsupported type %q", key, t.TriggerName, t.TriggerType)
				}
			}
			if !f.HTTP && len(f.Timers) == 0 {
				bad("resource %s: function has neither an HTTP nor a timer trigger", key)
			}
			m.Functions = append(m.Functions, f)
		case "fc3-domain":
			for _, r := range res.Props.RouteConfig.Routes {
				if !routePath.MatchString(r.Path) {
					bad("resource %s: route path %q must be /api/v1/… optionally ending in /*", key, r.Path)
					continue
				}
				m.Routes = append(m.Routes, Route{Function: r.FunctionName, Path: r.Path})
			}
		default:
			bad("resource %s: unknown component %q", key, res.Component)
		}
	}
	seen := map[string]string{}
	for _, r := range m.Routes {
		if !names[r.Function] {
			bad("route %s: function %q is not declared", r.Path, r.Function)
		}
		if other, dup := seen[r.Pattern()]; dup {
			bad("route %s: path is routed to both %s and %s", r.Path, other, r.Function)
		}
		seen[r.Pattern()] = r.Function
		if f, ok := m.function(r.Function); ok && !f.HTTP {
			bad("route %s: function %s has no HTTP trigger", r.Path, r.Function)
		}
	}
	if len(m.Functions) == 0 {
		bad("no fc3 function resources")
	}
	if len(problems) > 0 {
		return Manifest{}, errors.New("s.yaml has problems:\n  - " + strings.Join(problems, "\n  - "))
	}
	return m, nil
}

func (m Manifest) function(name string) (Function, bool) {
	for _, f := range m.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}
