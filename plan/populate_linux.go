package plan

import "golang.org/x/sys/unix"

// populate asks mmap(2) to map every page of the file at once
// (MAP_POPULATE): mapFile's callers read every byte (the CRC-32C first),
// and one call costs less than a page fault per 16 pages (2 of the 17 ms
// of the CRC-32C of a 64 MiB file from the page cache here).
const populate = unix.MAP_POPULATE
