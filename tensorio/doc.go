// Package tensorio reads the point clouds that intdim measures: arrays in
// numpy's .npy and .npz formats, in .safetensors files and in PyTorch's
// torch.save files (.pt, .pth; package pt), or a directory of those.
//
// A spec names what to read:
//
//	FILE          every array of a .npy, .npz or .safetensors file
//	FILE:NAME     one array: an .npz member (without ".npy") or a
//	              safetensors tensor; for a .npy file, its base name;
//	              for a .pt file a key or index path, dots descending
//	              (out.pt:hidden_states.3; a container's path picks every
//	              tensor in it)
//	DIR           every array of every .npy/.npz/.safetensors file directly
//	              inside DIR (not recursive), files in natural name order
//	              (layer2 before layer10), arrays in container order
//	DIR:NAME      the array called NAME among those
//
// A path may itself contain ':': the whole spec is tried as a path first,
// then the splits at each ':' from the right.
//
// Order matters for layer profiles, so it is kept exactly: .npz arrays come
// in the zip's member order and safetensors tensors in the order their keys
// appear in the JSON header, as their writers put them, and a .pt file's
// tensors in the order of the saved object (dicts in insertion order),
// named by their key and index paths (hidden_states.0, hidden_states.1).
//
// A point cloud is an array of rank ≥ 2 whose rows are the points; higher
// ranks are flattened per row (N×C×H×W → N rows of C·H·W). Array.Matrix
// gives the shape as a matrix and CheckPoints validates a cloud.
//
// The formats and dtypes are described in the subpackages npy, npz,
// safetensors and pt: float64, float32, float16, bfloat16 (safetensors, pt), signed and
// unsigned integers of 8–64 bits and bool, little- or big-endian (.npy),
// C or Fortran order (.npy). Large arrays are read once, in place: the
// bytes go straight into the float64 result, with no second copy.
//
// Only regular files are read (after following links): a named pipe, a
// device or a socket is refused by name before it is opened, so that no
// input blocks. In a directory, every entry with a supported extension must
// be readable: a dangling link, a link loop or a FIFO among the layers is
// an error naming it, never a layer silently left out. Subdirectories are
// not read.
//
// Every error is one line that starts with the file's path:
//
//	x.npy: truncated data: header says 2000×100 float32 (800000 bytes), file has 1234
//	acts.npz: no array "conv9"; the archive holds: conv1, pool1, conv2
package tensorio
