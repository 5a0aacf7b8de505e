// Package craft makes the hostile inputs of the tests: files that lie in
// their headers, named pipes. It imports nothing of intdim, so that the
// tests of every package (imageset, onnx, tensorio) and the command-line
// cases of package hostile share one maker of each.
package craft

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// PNGClaiming returns a PNG whose header claims w × h RGB pixels (8 bits,
// truecolour: a valid signature and IHDR chunk), followed by junk data:
// decoding it fails, so an error about its size shows that only its
// header was read.
func PNGClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		body := append([]byte(typ), data...)
		b.Write(body)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8 bits, truecolour
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte("junk, not deflate"))
	chunk("IEND", nil)
	return b.Bytes()
}
