// Command jejakinterop runs golang.org/x/mod/sumdb/note and sumdb/tlog on
// input from Jejak's Python tests, so that Jejak's checkpoints, cosignatures
// and Merkle proofs are checked by an implementation Jejak did not write.
//
// Subcommands (input on stdin, JSON on stdout, errors on stderr and a
// non-zero exit):
//
//	note-verify VKEY...   note.Open with note.VerifierList(NewVerifier(VKEY)...)
//	cosig-verify VKEY...  as note-verify, but VKEY may also be a C2SP
//	                      cosignature/v1 key (type 0x04)
//	note-sign NAME|SKEY   sign stdin with a new key for NAME, or with SKEY
//	tlog-check            tlog.CheckRecord and tlog.CheckTree on each case
//	tlog-prove            tlog.ProveRecord / ProveTree / TreeHash over leaves
//
// Built in GOPATH mode against Debian's golang-golang-x-mod-dev; see
// tests/interop/gotools.py.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "note-verify":
		err = noteVerify(args, false)
	case "cosig-verify":
		err = noteVerify(args, true)
	case "note-sign":
		err = noteSign(args)
	case "tlog-check":
		err = tlogCheck()
	case "tlog-prove":
		err = tlogProve()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: jejakinterop note-verify|cosig-verify VKEY... | note-sign NAME|SKEY | tlog-check | tlog-prove")
	os.Exit(2)
}

func readStdin() ([]byte, error) {
	return io.ReadAll(os.Stdin)
}

func printJSON(v interface{}) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
