package estimate

import (
	"fmt"
	"strings"
)

// ParamError reports options of an estimator out of range: the fields
// concerned (by their Go names in SkdimOptions or Options), their values
// and the condition they break. It matches ErrBadParam under errors.Is.
type ParamError struct {
	Method string   // the estimators concerned, for the message
	Fields []string // e.g. "MOMK", or "K1" and "K2"
	Values []float64
	Want   string // e.g. "at least 2", "1 ≤ k1 < k2"
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: %s: %s: need %s", ErrBadParam, e.Method, e.Settings(func(f string) string { return f }, " = "), e.Want)
}

// Settings lists the fields with their values, "A = 1, B = 2", each field
// named by name(field) and joined to its value by sep.
func (e *ParamError) Settings(name func(field string) string, sep string) string {
	p := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		p[i] = fmt.Sprintf("%s%s%g", name(f), sep, e.Values[i])
	}
	return strings.Join(p, ", ")
}

// Is reports whether target is ErrBadParam.
func (e *ParamError) Is(target error) bool { return target == ErrBadParam }

// paramCheck collects the fields that break one condition.
type paramCheck struct {
	fields []string
	values []float64
}

func (c *paramCheck) bad(ok bool, field string, v float64) {
	if !ok {
		c.fields = append(c.fields, field)
		c.values = append(c.values, v)
	}
}

func (c *paramCheck) err(method, want string) error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ParamError{Method: method, Fields: c.fields, Values: c.values, Want: want}
}
