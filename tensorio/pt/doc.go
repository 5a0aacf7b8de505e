// Package pt reads the tensors of PyTorch's torch.save files (.pt, .pth)
// without Python and without executing anything.
//
// A torch.save file is a pickle of the saved object whose tensors point
// at storages kept beside it as raw bytes. Two layouts are read: the zip
// archive of torch ≥ 1.6 (PREFIX/data.pkl, PREFIX/data/KEY for each
// storage, PREFIX/byteorder), and the legacy stream of
// _use_new_zipfile_serialization=False (five pickles, then each storage
// as its element count and its bytes).
//
// The object may be a tensor, or dicts (OrderedDict too), lists and tuples
// of tensors, nested; a tensor is named by its path of keys and indices
// joined by "." ("hidden_states.3"); other values (numbers, strings, None)
// are skipped. Element types: float64, float32, float16, bfloat16, signed
// and unsigned integers and bool. A tensor's strided layout (shape, stride,
// storage offset: a transpose, a slice) is read as torch would index it.
//
// Nothing in the file is executed, unlike Python's torch.load with
// weights_only=False. The pickle is run by a small machine of its own that
// knows the opcodes Python's pickler writes for these objects and accepts
// only the classes torch.save names for them: torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter (and _with_state), the typed storage classes
// (torch.FloatStorage, …, used as tags of the storages' persistent ids and
// never called) and collections.OrderedDict. Any other class (os.system,
// builtins.eval, a user's module) is refused by name when the pickle names
// it, before anything is built.
//
// github.com/nlpodyssey/gopickle was considered and not used: its
// unpickler allocates a buffer of the length a BINBYTES8 or BINUNICODE8
// opcode claims before reading it (a 20-byte file can ask for terabytes
// and end the process) and resolves copy_reg._reconstructor and
// __builtin__.object without its FindClass hook. Here every length is
// checked against the bytes left first, and every storage's size against
// its zip member (or the file) before anything of that size is allocated.
package pt
