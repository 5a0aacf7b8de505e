// Command libintdim is the engine of intdim as a C shared library, built
// with
//
//	go build -buildmode=c-shared -o libintdim.so ./cmd/libintdim
//
// (which also writes libintdim.h). It is what the Python package (python/)
// calls through ctypes. Every call takes the points as a pointer to n×d
// C-contiguous values (elem 4: float32, 8: float64) that are read in place,
// never copied nor kept after the call returns, and the options as a JSON
// object of the command's flags ({"method": "twonn", "max_rank": 64}); it
// returns the document that 'intdim estimate|scale|profile|overlap|
// imbalance|local --format json' prints. The return value is 0 on success, 2 for bad input or options
// (the one-line message of the CLI), 1 for a failure; *out then holds the
// document or the message (UTF-8, *out_len bytes, NUL-terminated), which
// the caller frees with intdim_free. The library keeps no state between
// calls: calls may run concurrently from several threads.
package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/cli"
)

func main() {}

// Codes returned by every call.
const (
	codeOK       = 0
	codeFailure  = 1
	codeBadInput = 2
)

//export intdim_estimate
func intdim_estimate(data unsafe.Pointer, n, d C.int64_t, elem C.int, name, opts *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	x, err := wrap(data, int64(n), int64(d), int(elem))
	if err != nil {
		return reply(nil, err, out, outLen)
	}
	doc, err := cli.LibEstimate(C.GoString(name), x, []byte(C.GoString(opts)))
	return reply(doc, err, out, outLen)
}

//export intdim_scale
func intdim_scale(data unsafe.Pointer, n, d C.int64_t, elem C.int, name, opts *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	x, err := wrap(data, int64(n), int64(d), int(elem))
	if err != nil {
		return reply(nil, err, out, outLen)
	}
	doc, err := cli.LibScale(C.GoString(name), x, []byte(C.GoString(opts)))
	return reply(doc, err, out, outLen)
}

// intdim_profile profiles count layers: layer i has data[i], n[i], d[i],
// elem[i] and names[i].
//
//export intdim_profile
func intdim_profile(count C.int64_t, data *unsafe.Pointer, n, d *C.int64_t, elem *C.int, names **C.char, opts *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	if count < 0 || count > 1<<20 || (count > 0 && (data == nil || n == nil || d == nil || elem == nil || names == nil)) {
		return reply(nil, cli.Usage("bad layer list (%d layers)", int64(count)), out, outLen)
	}
	k := int(count)
	ps, ns, ds, es, nm := unsafe.Slice(data, k), unsafe.Slice(n, k), unsafe.Slice(d, k), unsafe.Slice(elem, k), unsafe.Slice(names, k)
	layers := make([]cli.LibLayer, k)
	for i := range layers {
		x, err := wrap(ps[i], int64(ns[i]), int64(ds[i]), int(es[i]))
		if err != nil {
			return reply(nil, fmt.Errorf("layer %s: %w", C.GoString(nm[i]), err), out, outLen)
		}
		layers[i] = cli.LibLayer{Name: C.GoString(nm[i]), Points: x}
	}
	doc, err := cli.LibProfile(layers, []byte(C.GoString(opts)))
	return reply(doc, err, out, outLen)
}

// intdim_overlap is 'intdim overlap': the neighbourhood overlap of a and b
// (hasB 0: no b) and, when nLabels ≥ 0, the label overlap of a with the
// nLabels int64 labels (called labelsName in the document). Options: k,
// metric.
//
//export intdim_overlap
func intdim_overlap(a unsafe.Pointer, an, ad C.int64_t, ae C.int, hasB C.int, b unsafe.Pointer, bn, bd C.int64_t, be C.int,
	labels *C.int64_t, nLabels C.int64_t, aName, bName, labelsName, opts *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	xa, err := wrap(a, int64(an), int64(ad), int(ae))
	if err != nil {
		return reply(nil, fmt.Errorf("%s: %w", C.GoString(aName), err), out, outLen)
	}
	var lb *cli.LibLayer
	if hasB != 0 {
		xb, err := wrap(b, int64(bn), int64(bd), int(be))
		if err != nil {
			return reply(nil, fmt.Errorf("%s: %w", C.GoString(bName), err), out, outLen)
		}
		lb = &cli.LibLayer{Name: C.GoString(bName), Points: xb}
	}
	var y []int
	if nLabels >= 0 {
		if nLabels > 0 && labels == nil || nLabels > 1<<40 {
			return reply(nil, cli.Usage("bad labels (%d values)", int64(nLabels)), out, outLen)
		}
		y = make([]int, int(nLabels))
		if nLabels > 0 {
			for i, v := range unsafe.Slice(labels, int(nLabels)) {
				y[i] = int(v)
			}
		}
	}
	doc, err := cli.LibOverlap(cli.LibLayer{Name: C.GoString(aName), Points: xa}, lb, y, C.GoString(labelsName), []byte(C.GoString(opts)))
	return reply(doc, err, out, outLen)
}

// intdim_imbalance is 'intdim imbalance': Δ(a→b) and Δ(b→a). Options:
// metric.
//
//export intdim_imbalance
func intdim_imbalance(a unsafe.Pointer, an, ad C.int64_t, ae C.int, b unsafe.Pointer, bn, bd C.int64_t, be C.int,
	aName, bName, opts *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	xa, err := wrap(a, int64(an), int64(ad), int(ae))
	if err != nil {
		return reply(nil, fmt.Errorf("%s: %w", C.GoString(aName), err), out, outLen)
	}
	xb, err := wrap(b, int64(bn), int64(bd), int(be))
	if err != nil {
		return reply(nil, fmt.Errorf("%s: %w", C.GoString(bName), err), out, outLen)
	}
	doc, err := cli.LibImbalance(cli.LibLayer{Name: C.GoString(aName), Points: xa}, cli.LibLayer{Name: C.GoString(bName), Points: xb}, []byte(C.GoString(opts)))
	return reply(doc, err, out, outLen)
}

// intdim_local is 'intdim local': the document, and the ID of every point
// written to ids (n float64 values; not written when ids is NULL).
// Options: k, metric, method, tle_epsilon.
//
//export intdim_local
func intdim_local(data unsafe.Pointer, n, d C.int64_t, elem C.int, name, opts *C.char, ids *C.double, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	x, err := wrap(data, int64(n), int64(d), int(elem))
	if err != nil {
		return reply(nil, err, out, outLen)
	}
	doc, v, err := cli.LibLocal(cli.LibLayer{Name: C.GoString(name), Points: x}, []byte(C.GoString(opts)))
	if err == nil && ids != nil && len(v) == int(n) {
		copy(unsafe.Slice((*float64)(unsafe.Pointer(ids)), len(v)), v)
	}
	return reply(doc, err, out, outLen)
}

// intdim_figure draws the figure of a document (a profile: the ID profile;
// a scale document: ID against scale) as "png" or "svg" bytes.
//
//export intdim_figure
func intdim_figure(doc *C.char, docLen C.int64_t, format *C.char, out **C.char, outLen *C.int64_t) (code C.int) {
	defer guard(out, outLen, &code)
	if docLen < 0 || (docLen > 0 && doc == nil) {
		return reply(nil, cli.Usage("bad document length %d", int64(docLen)), out, outLen)
	}
	img, err := cli.LibFigure(C.GoBytes(unsafe.Pointer(doc), C.int(docLen)), C.GoString(format))
	return reply(img, err, out, outLen)
}

//export intdim_free
func intdim_free(p *C.char) { C.free(unsafe.Pointer(p)) }

// wrap returns the n×d matrix over the C memory at p (not copied).
func wrap(p unsafe.Pointer, n, d int64, elem int) (*cloud.Matrix, error) {
	if n < 0 || d < 0 || (d > 0 && n > (1<<62)/d/8) {
		return nil, cli.Usage("bad shape %d×%d", n, d)
	}
	if elem != 4 && elem != 8 {
		return nil, cli.Usage("bad element size %d (want 4: float32, 8: float64)", elem)
	}
	size := int(n * d)
	if size > 0 && (p == nil || uintptr(p)%uintptr(elem) != 0) {
		return nil, cli.Usage("the values of a %d×%d array are not at an aligned address", n, d)
	}
	if size == 0 {
		p = nil
	}
	if elem == 4 {
		return cloud.New32(unsafe.Slice((*float32)(p), size), int(n), int(d))
	}
	return cloud.New64(unsafe.Slice((*float64)(p), size), int(n), int(d))
}

// reply stores the document, or the error's message, in C memory.
func reply(doc []byte, err error, out **C.char, outLen *C.int64_t) C.int {
	code := C.int(codeOK)
	if err != nil {
		code = codeFailure
		var e *cli.ExitError
		if errors.As(err, &e) && e.Code == 2 {
			code = codeBadInput
		}
		doc = []byte(strings.ReplaceAll(err.Error(), "\n", " "))
	}
	store(doc, out, outLen)
	return code
}

func store(b []byte, out **C.char, outLen *C.int64_t) {
	if out == nil {
		return
	}
	p := (*C.char)(C.malloc(C.size_t(len(b) + 1)))
	if p == nil {
		*out = nil
		return
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)+1)
	copy(buf, b)
	buf[len(b)] = 0
	*out = p
	if outLen != nil {
		*outLen = C.int64_t(len(b))
	}
}

// guard turns a panic into the code 1 and the message "internal error: …",
// as the CLI's last line of defence does.
func guard(out **C.char, outLen *C.int64_t, code *C.int) {
	if r := recover(); r != nil {
		msg := strings.ReplaceAll(fmt.Sprint(r), "\n", " ")
		store([]byte("internal error: "+msg+" (please report it)"), out, outLen)
		*code = codeFailure
	}
}
