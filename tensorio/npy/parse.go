package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/dtype"
	"github.com/intdim/intdim/tensorio/internal/shape"
)

// parse reads the header's dict literal into h.
func (h *Header) parse(text []byte) error {
	p := &parser{s: string(text)}
	p.space()
	if !p.eat('{') {
		return fmt.Errorf("bad header: not a dict literal: %s", p.quote())
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.pos >= len(p.s) {
			return errors.New("bad header: dict not closed")
		}
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.space()
		if !p.eat(':') {
			return fmt.Errorf("bad header: expected ':' after %q at byte %d", key, p.pos)
		}
		p.space()
		if seen[key] {
			return fmt.Errorf("bad header: duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			if p.peek() == '[' {
				return errors.New("unsupported dtype: structured array (descr is a list)")
			}
			d, err := p.str()
			if err != nil {
				return err
			}
			h.DType = d
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
				h.Fortran = false
			default:
				return fmt.Errorf("bad header: fortran_order is not True or False at byte %d", p.pos)
			}
		case "shape":
			shape, err := p.tuple()
			if err != nil {
				return err
			}
			h.Shape = shape
		default:
			return fmt.Errorf("bad header: unexpected key %q", key)
		}
		p.space()
		if !p.eat(',') {
			p.space()
			if p.peek() != '}' {
				if p.pos >= len(p.s) {
					return errors.New("bad header: dict not closed")
				}
				return fmt.Errorf("bad header: expected ',' or '}' at byte %d", p.pos)
			}
		}
	}
	p.space()
	if p.pos != len(p.s) {
		return fmt.Errorf("bad header: text after the dict at byte %d", p.pos)
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return fmt.Errorf("bad header: no %q key", k)
		}
	}
	if _, err := parseDescr(h.DType); err != nil {
		return err
	}
	if _, ok := shape.Count(h.Shape); !ok {
		return fmt.Errorf("bad header: shape %s has too many elements", shape.Format(h.Shape))
	}
	return nil
}

// parser scans a Python literal.
type parser struct {
	s   string
	pos int
}

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *parser) space() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *parser) eat(c byte) bool {
	if p.peek() == c {
		p.pos++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.s[p.pos:], w) {
		p.pos += len(w)
		return true
	}
	return false
}

// quote returns the text near the cursor for an error message.
func (p *parser) quote() string {
	end := min(p.pos+20, len(p.s))
	return strconv.Quote(p.s[p.pos:end])
}

// str reads a quoted string without escapes ('…' or "…").
func (p *parser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		if p.pos >= len(p.s) {
			return "", errors.New("bad header: dict not closed")
		}
		return "", fmt.Errorf("bad header: expected a string at byte %d, found %s", p.pos, p.quote())
	}
	end := strings.IndexByte(p.s[p.pos+1:], q)
	if end < 0 {
		return "", fmt.Errorf("bad header: string at byte %d not closed", p.pos)
	}
	v := p.s[p.pos+1 : p.pos+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", fmt.Errorf("bad header: escaped string at byte %d", p.pos)
	}
	p.pos += end + 2
	return v, nil
}

// tuple reads a tuple of non-negative integers: (), (3,), (2, 3), (2L, 3L).
func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, fmt.Errorf("bad header: shape is not a tuple at byte %d", p.pos)
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		if start == p.pos {
			if p.pos >= len(p.s) {
				return nil, errors.New("bad header: shape tuple not closed")
			}
			return nil, fmt.Errorf("bad header: shape entry at byte %d is not a non-negative integer: %s", start, p.quote())
		}
		d, err := strconv.Atoi(p.s[start:p.pos])
		if err != nil {
			return nil, fmt.Errorf("bad header: shape entry %s too large", p.s[start:p.pos])
		}
		shape = append(shape, d)
		p.eat('L') // Python 2 long
		p.space()
		if !p.eat(',') {
			p.space()
			if p.peek() != ')' {
				if p.pos >= len(p.s) {
					return nil, errors.New("bad header: shape tuple not closed")
				}
				return nil, fmt.Errorf("bad header: expected ',' or ')' in shape at byte %d", p.pos)
			}
		} else if len(shape) > 64 {
			return nil, fmt.Errorf("bad header: shape has more than 64 dimensions")
		}
	}
}

// parseDescr maps a numpy descr to an element type.
func parseDescr(d string) (dtype.Type, error) {
	bad := fmt.Errorf("unsupported dtype %q (want float16/32/64, int or uint 8–64, or bool)", d)
	if d == "" {
		return dtype.Type{}, errors.New("unsupported dtype \"\"")
	}
	var t dtype.Type
	body := d
	switch d[0] {
	case '<', '|', '=':
		body = d[1:]
	case '>':
		t.BigEndian = true
		body = d[1:]
	}
	if body == "?" {
		return dtype.Type{Kind: dtype.Bool, Size: 1}, nil
	}
	if len(body) != 2 {
		return t, bad
	}
	switch body[0] {
	case 'f':
		t.Kind = dtype.Float
	case 'i':
		t.Kind = dtype.Int
	case 'u':
		t.Kind = dtype.Uint
	case 'b':
		t.Kind = dtype.Bool
	default:
		return t, bad
	}
	t.Size = int(body[1] - '0')
	if !t.Valid() {
		return t, bad
	}
	if t.Size == 1 {
		t.BigEndian = false
	}
	return t, nil
}

// descr returns the numpy descr of t.
func descr(t dtype.Type) string {
	order := "<"
	if t.Size == 1 {
		order = "|"
	} else if t.BigEndian {
		order = ">"
	}
	k := map[dtype.Kind]string{dtype.Float: "f", dtype.Int: "i", dtype.Uint: "u", dtype.Bool: "b"}[t.Kind]
	return order + k + strconv.Itoa(t.Size)
}
