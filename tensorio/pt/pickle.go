package pt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
)

// The values a pickle builds here. Nothing else exists: a class outside
// the allowlist is refused when the pickle names it, before any use.
type (
	tuple []any
	list  struct{ items []any }
	// dict keeps its keys in insertion order, as Python's dict does.
	dict struct {
		keys, vals []any
	}
	global struct{ module, name string }
)

func (g global) String() string { return g.module + "." + g.name }

// allowed lists the classes and functions a torch.save pickle of tensors
// and containers names: the tensor and parameter rebuilders, the typed
// storage classes (as tags of the persistent ids, never called), and
// OrderedDict (a state_dict, a tensor's empty backward hooks).
func allowed(g global) bool {
	switch g.module {
	case "torch._utils":
		return g.name == "_rebuild_tensor_v2" || g.name == "_rebuild_parameter" || g.name == "_rebuild_parameter_with_state"
	case "torch":
		_, ok := storageTypes[g.name]
		return ok
	case "collections":
		return g.name == "OrderedDict"
	}
	return false
}

// unpickler runs the subset of the pickle machine (protocols 0–5, the
// binary opcodes Python's pickler writes) that torch.save uses for
// tensors and containers. Every length read from the stream is checked
// against the bytes left before anything is allocated, so memory stays in
// proportion to the pickle whatever it claims.
type unpickler struct {
	r         *bufio.Reader
	left      int64 // bytes left in the stream
	stack     []any
	marks     [][]any
	memo      map[int64]any
	persisted func(pid any) (any, error)
}

func newUnpickler(r io.Reader, size int64, persisted func(any) (any, error)) *unpickler {
	return &unpickler{r: bufio.NewReader(io.LimitReader(r, size)), left: size, memo: map[int64]any{}, persisted: persisted}
}

var errTruncated = errors.New("truncated pickle")

func (u *unpickler) bytes(n int64) ([]byte, error) {
	if n < 0 || n > u.left {
		return nil, fmt.Errorf("pickle claims %d bytes, only %d left: truncated or corrupt", n, u.left)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(u.r, b); err != nil {
		return nil, errTruncated
	}
	u.left -= n
	return b, nil
}

func (u *unpickler) byte1() (byte, error) {
	b, err := u.bytes(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (u *unpickler) uint(n int) (uint64, error) {
	b, err := u.bytes(int64(n))
	if err != nil {
		return 0, err
	}
	var x uint64
	for i := n - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	return x, nil
}

// line reads up to a newline (the text opcodes), at most 4 KiB.
func (u *unpickler) line() (string, error) {
	var sb strings.Builder
	for {
		c, err := u.byte1()
		if err != nil {
			return "", err
		}
		if c == '\n' {
			return sb.String(), nil
		}
		if sb.Len() > 4096 {
			return "", errors.New("pickle text line longer than 4 KiB")
		}
		sb.WriteByte(c)
	}
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 {
		return nil, errors.New("corrupt pickle: stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, errors.New("corrupt pickle: stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the items above the last MARK and removes them.
// popItems pops the n top items in stack order when single (APPEND,
// SETITEM), else every item down to the mark (APPENDS, SETITEMS).
func (u *unpickler) popItems(single bool, n int) ([]any, error) {
	if !single {
		return u.popMark()
	}
	items := make([]any, n)
	for i := n - 1; i >= 0; i-- {
		v, err := u.pop()
		if err != nil {
			return nil, err
		}
		items[i] = v
	}
	return items, nil
}

func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, errors.New("corrupt pickle: no MARK")
	}
	items := u.stack
	u.stack = u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	return items, nil
}

// run executes the pickle up to STOP and returns its value.
func (u *unpickler) run() (any, error) {
	for {
		op, err := u.byte1()
		if err != nil {
			return nil, err
		}
		if op == '.' { // STOP
			return u.pop()
		}
		if err := u.step(op); err != nil {
			return nil, err
		}
	}
}

func (u *unpickler) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		v, err := u.byte1()
		if err == nil && v > 5 {
			err = fmt.Errorf("pickle protocol %d is not supported", v)
		}
		return err
	case 0x95: // FRAME: a length prefix only
		_, err := u.uint(8)
		return err
	case '(': // MARK
		u.marks = append(u.marks, u.stack)
		u.stack = nil
		return nil
	case '0': // POP
		if len(u.stack) == 0 {
			_, err := u.popMark()
			return err
		}
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		v, err := u.top()
		u.push(v)
		return err
	case 'N':
		u.push(nil)
	case 0x88:
		u.push(true)
	case 0x89:
		u.push(false)
	case 'J': // BININT
		x, err := u.uint(4)
		u.push(int64(int32(uint32(x))))
		return err
	case 'K': // BININT1
		x, err := u.uint(1)
		u.push(int64(x))
		return err
	case 'M': // BININT2
		x, err := u.uint(2)
		u.push(int64(x))
		return err
	case 0x8a, 0x8b: // LONG1, LONG4
		w := 1
		if op == 0x8b {
			w = 4
		}
		n, err := u.uint(w)
		if err != nil {
			return err
		}
		b, err := u.bytes(int64(n))
		if err != nil {
			return err
		}
		u.push(long(b))
	case 'G': // BINFLOAT, big-endian
		b, err := u.bytes(8)
		if err != nil {
			return err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case 'X', 0x8c, 0x8d, 'T', 'U', 'B', 'C', 0x8e: // strings and bytes
		return u.str(op)
	case ']': // EMPTY_LIST
		u.push(&list{})
	case '}': // EMPTY_DICT
		u.push(&dict{})
	case ')': // EMPTY_TUPLE
		u.push(tuple{})
	case 'l': // LIST
		items, err := u.popMark()
		u.push(&list{items: append([]any(nil), items...)})
		return err
	case 't': // TUPLE
		items, err := u.popMark()
		u.push(append(tuple(nil), items...))
		return err
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op - 0x84)
		if len(u.stack) < n {
			return errors.New("corrupt pickle: stack underflow")
		}
		t := append(tuple(nil), u.stack[len(u.stack)-n:]...)
		u.stack = u.stack[:len(u.stack)-n]
		u.push(t)
	case 'd': // DICT
		items, err := u.popMark()
		if err != nil {
			return err
		}
		d := &dict{}
		if err := d.setItems(items); err != nil {
			return err
		}
		u.push(d)
	case 'a', 'e': // APPEND, APPENDS
		items, err := u.popItems(op == 'a', 1)
		if err != nil {
			return err
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		l, ok := t.(*list)
		if !ok {
			return fmt.Errorf("corrupt pickle: APPEND to a %s", typeName(t))
		}
		l.items = append(l.items, items...)
	case 's', 'u': // SETITEM, SETITEMS
		items, err := u.popItems(op == 's', 2)
		if err != nil {
			return err
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		d, ok := t.(*dict)
		if !ok {
			return fmt.Errorf("corrupt pickle: SETITEM on a %s", typeName(t))
		}
		return d.setItems(items)
	case 'q', 'r', 'h', 'j', 0x94: // BINPUT, LONG_BINPUT, BINGET, LONG_BINGET, MEMOIZE
		return u.memoOp(op)
	case 'c': // GLOBAL
		mod, err := u.line()
		if err != nil {
			return err
		}
		name, err := u.line()
		if err != nil {
			return err
		}
		return u.global(global{mod, name})
	case 0x93: // STACK_GLOBAL
		name, err := u.pop()
		if err != nil {
			return err
		}
		mod, err := u.pop()
		if err != nil {
			return err
		}
		m, ok1 := mod.(string)
		n, ok2 := name.(string)
		if !ok1 || !ok2 {
			return errors.New("corrupt pickle: STACK_GLOBAL of non-strings")
		}
		return u.global(global{m, n})
	case 'R': // REDUCE
		args, err := u.pop()
		if err != nil {
			return err
		}
		f, err := u.pop()
		if err != nil {
			return err
		}
		a, ok := args.(tuple)
		if !ok {
			return fmt.Errorf("corrupt pickle: REDUCE with %s arguments", typeName(args))
		}
		v, err := call(f, a)
		u.push(v)
		return err
	case 'b': // BUILD: the state of an OrderedDict or a tensor is not needed
		if _, err := u.pop(); err != nil {
			return err
		}
		_, err := u.top()
		return err
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return err
		}
		v, err := u.persisted(pid)
		u.push(v)
		return err
	default:
		return fmt.Errorf("pickle opcode %s is not read: only tensors and containers are (nothing in the file is executed)", opName(op))
	}
	return nil
}

func (u *unpickler) str(op byte) error {
	var w int
	switch op {
	case 'X', 'T', 'B': // BINUNICODE, BINSTRING, BINBYTES
		w = 4
	case 0x8c, 'U', 'C': // SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES
		w = 1
	case 0x8d, 0x8e: // BINUNICODE8, BINBYTES8
		w = 8
	}
	n, err := u.uint(w)
	if err != nil {
		return err
	}
	if n > math.MaxInt64 {
		return fmt.Errorf("pickle claims %d bytes: corrupt", n)
	}
	b, err := u.bytes(int64(n))
	if err != nil {
		return err
	}
	if op == 'B' || op == 'C' || op == 0x8e {
		u.push(b)
	} else {
		u.push(string(b))
	}
	return nil
}

func (u *unpickler) memoOp(op byte) error {
	switch op {
	case 0x94: // MEMOIZE
		v, err := u.top()
		u.memo[int64(len(u.memo))] = v
		return err
	case 'q', 'r':
		w := 1
		if op == 'r' {
			w = 4
		}
		k, err := u.uint(w)
		if err != nil {
			return err
		}
		v, err := u.top()
		u.memo[int64(k)] = v
		return err
	}
	w := 1
	if op == 'j' {
		w = 4
	}
	k, err := u.uint(w)
	if err != nil {
		return err
	}
	v, ok := u.memo[int64(k)]
	if !ok {
		return fmt.Errorf("corrupt pickle: memo %d not set", k)
	}
	u.push(v)
	return nil
}

func (u *unpickler) global(g global) error {
	if !allowed(g) {
		return fmt.Errorf("refused: the pickle names %s; only tensors and containers of them are read (nothing in the file is executed)", g)
	}
	u.push(g)
	return nil
}

func (d *dict) setItems(items []any) error {
	if len(items)%2 != 0 {
		return errors.New("corrupt pickle: odd number of dict items")
	}
	for i := 0; i < len(items); i += 2 {
		k := items[i]
		switch k.(type) {
		case string, int64, *big.Int, bool, nil, float64:
		default:
			return fmt.Errorf("corrupt pickle: a dict key of type %s", typeName(k))
		}
		if j := d.index(k); j >= 0 {
			d.vals[j] = items[i+1]
			continue
		}
		d.keys = append(d.keys, k)
		d.vals = append(d.vals, items[i+1])
	}
	return nil
}

func (d *dict) index(k any) int {
	for i, x := range d.keys {
		if kb, ok := k.(*big.Int); ok {
			if xb, ok := x.(*big.Int); ok && kb.Cmp(xb) == 0 {
				return i
			}
			continue
		}
		if x == k {
			return i
		}
	}
	return -1
}

// long decodes a little-endian two's complement integer: an int64 when it
// fits, else a *big.Int.
func long(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var x uint64
		for i := len(b) - 1; i >= 0; i-- {
			x = x<<8 | uint64(b[i])
		}
		shift := 64 - 8*uint(len(b))
		return int64(x<<shift) >> shift
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	x := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return x
}

func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case tuple:
		return "tuple"
	case *list:
		return "list"
	case *dict:
		return "dict"
	case global:
		return v.String()
	case *Tensor:
		return "tensor"
	case *storage:
		return "storage"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

var opNames = map[byte]string{
	'i': "INST", 'o': "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 'I': "INT", 'L': "LONG",
	'F': "FLOAT", 'S': "STRING", 'V': "UNICODE", 'P': "PERSID", 'g': "GET", 'p': "PUT",
	0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x8f: "EMPTY_SET", 0x90: "ADDITEMS",
	0x91: "FROZENSET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
}

func opName(op byte) string {
	if n, ok := opNames[op]; ok {
		return n
	}
	return fmt.Sprintf("0x%02x", op)
}
