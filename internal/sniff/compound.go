package sniff

import (
	"encoding/binary"
	"unicode/utf16"
)

// detectCompound classifies an OLE2 compound file, the container of Office
// 97-2003 documents and of password-protected Office Open XML files, by
// the names of its streams.
func detectCompound(data []byte) Format {
	names := map[string]bool{}
	for _, n := range compoundStreamNames(data) {
		names[n] = true
	}
	switch {
	case names["EncryptedPackage"]:
		return EncryptedOffice
	case names["Workbook"], names["Book"]:
		return XLS
	case names["WordDocument"]:
		return DOC
	case names["PowerPoint Document"]:
		return PPT
	}
	return CompoundFile
}

// Layout of a compound file, from Microsoft's [MS-CFB] specification: a
// 512-byte header, then sectors of 2^shift bytes, where sector n starts at
// byte (n+1) << shift. The header gives the first sector of the directory
// and the first 109 sectors of the file allocation table (FAT), which
// chains each sector to the next. A directory entry is 128 bytes: its name
// in UTF-16LE, then at byte 64 the name's length in bytes with the
// terminating zero.
const (
	cfbHeaderSize     = 512
	cfbShiftOffset    = 0x1E
	cfbDirStartOffset = 0x30
	cfbDIFATOffset    = 0x4C
	cfbDIFATEntries   = 109
	cfbEntrySize      = 128
	cfbNameLenOffset  = 0x40
	cfbMaxSectorID    = 0xFFFFFFFA // ids from here up mark chain ends and free sectors

	// maxDirSectors bounds the directory chain followed, which a damaged
	// or crafted file could make endless. Office files have a few.
	maxDirSectors = 64
)

// compoundStreamNames returns the names in a compound file's directory,
// or as many as could be read before the structure broke off.
func compoundStreamNames(data []byte) []string {
	if len(data) < cfbHeaderSize {
		return nil
	}
	le := binary.LittleEndian
	shift := uint(le.Uint16(data[cfbShiftOffset:]))
	if shift != 9 && shift != 12 {
		return nil
	}
	size := 1 << shift

	sector := func(n uint32) []byte {
		start := (int64(n) + 1) << shift
		if start+int64(size) > int64(len(data)) {
			return nil
		}
		return data[start : start+int64(size)]
	}
	next := func(n uint32) uint32 {
		perSector := uint32(size / 4)
		i := n / perSector
		if i >= cfbDIFATEntries {
			return cfbMaxSectorID
		}
		fat := sector(le.Uint32(data[cfbDIFATOffset+4*i:]))
		if fat == nil {
			return cfbMaxSectorID
		}
		return le.Uint32(fat[4*(n%perSector):])
	}

	var names []string
	n := le.Uint32(data[cfbDirStartOffset:])
	for steps := 0; n < cfbMaxSectorID && steps < maxDirSectors; steps++ {
		s := sector(n)
		if s == nil {
			break
		}
		for off := 0; off+cfbEntrySize <= len(s); off += cfbEntrySize {
			if name, ok := entryName(s[off : off+cfbEntrySize]); ok {
				names = append(names, name)
			}
		}
		n = next(n)
	}
	return names
}

// entryName decodes the name of one directory entry; ok is false for an
// unused entry or a malformed length.
func entryName(entry []byte) (string, bool) {
	length := int(binary.LittleEndian.Uint16(entry[cfbNameLenOffset:]))
	if length < 4 || length > cfbNameLenOffset || length%2 != 0 {
		return "", false
	}
	units := make([]uint16, (length-2)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(entry[2*i:])
	}
	return string(utf16.Decode(units)), true
}
