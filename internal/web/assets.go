package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// staticAsset is an embedded static file served under a name that contains
// a hash of its content, such as app.1a2b3c4d5e6f.css, so that browsers may
// cache it for a year: a changed file gets a new name.
type staticAsset struct {
	hashedName string
	body       []byte
}

// hashedAssets maps the plain name of every file in static/ to the file.
var hashedAssets, assetByHashedName = loadStaticAssets()

func loadStaticAssets() (byName, byHashedName map[string]*staticAsset) {
	byName, byHashedName = map[string]*staticAsset{}, map[string]*staticAsset{}
	entries, err := fs.ReadDir(assets, "static")
	if err != nil {
		panic("read embedded static files: " + err.Error())
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(assets, "static/"+e.Name())
		if err != nil {
			panic("read embedded static file: " + err.Error())
		}

		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		a := &staticAsset{
			hashedName: strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext,
			body:       body,
		}
		byName[e.Name()] = a
		byHashedName[a.hashedName] = a
	}
	return byName, byHashedName
}

// assetURL returns the content-hashed URL of the static file name, such as
// /static/app.1a2b3c4d5e6f.css for "app.css". The templates call it as
// {{asset "app.css"}}; an unknown name fails the template, so a typo shows
// up in the first test that renders the page.
func assetURL(name string) (string, error) {
	a, ok := hashedAssets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q in internal/web/static", name)
	}
	return "/static/" + a.hashedName, nil
}

// serveHashedAsset serves a static file by its hashed name with a one-year
// immutable Cache-Control. Plain names fall through to next, which serves
// them with the default revalidation, for pages and links made before the
// names were hashed.
func serveHashedAsset(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := assetByHashedName[strings.TrimPrefix(r.URL.Path, "/static/")]
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, a.hashedName, time.Time{}, bytes.NewReader(a.body))
	})
}
