package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// checkOutputPath returns an error naming path and the fix when a command
// could not create the file path. That is when its folder is missing or
// not a folder, or when path is a folder itself. option names where the
// path came from, such as "--out", for the message. Commands call it
// before their work, so that a mistyped path fails at once.
func checkOutputPath(option, path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist; create it or choose another %s", dir, option)
	case err != nil:
		return fmt.Errorf("cannot use the folder %s (%w); choose another %s", dir, err, option)
	case !info.IsDir():
		return fmt.Errorf("%s is a file, not a folder; choose another %s", dir, option)
	}

	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("%s is a folder; give a file name for %s, inside it or elsewhere", path, option)
	}
	return nil
}

// writeFileAtomically runs write on a temporary file in path's folder and
// renames it to path, so that path is written whole or not at all.
// Errors name path, not the temporary file.
func writeFileAtomically(option, path string, write func(io.Writer) error) error {
	if err := checkOutputPath(option, path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("cannot create %s: no permission to write in the folder %s; choose another %s", path, dir, option)
	}
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())

	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
