package tensorio

// Files returns the files Open reads for spec (FILE, FILE:NAME, DIR or
// DIR:NAME): the file, or every file of the directory Open considers, in
// natural name order. Errors are Open's for a path that does not exist or
// a directory without arrays.
func Files(spec string) ([]string, error) {
	path, _, _, fi, err := resolve(spec)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return listDir(path)
	}
	return []string{path}, nil
}
