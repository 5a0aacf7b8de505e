package plan

import "golang.org/x/sys/unix"

// populateFlag asks mmap(2) to map every page of the file at once
// (MAP_POPULATE), for mapFile's callers that read every byte (the CRC-32C
// first): one call costs less than a page fault per 16 pages (2 of the 17
// ms of the CRC-32C of a 64 MiB file from the page cache here).
const populateFlag = unix.MAP_POPULATE
