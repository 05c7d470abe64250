package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/sumdb/tlog"
)

// hexHash is a tlog.Hash read from and written as lower-case hex.
type hexHash tlog.Hash

func (h *hexHash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != tlog.HashSize {
		return fmt.Errorf("hash %q: want %d bytes of hex", s, tlog.HashSize)
	}
	copy(h[:], raw)
	return nil
}

func (h hexHash) MarshalJSON() ([]byte, error) {
	return json.Marshal(hex.EncodeToString(h[:]))
}

func hashes(in []hexHash) []tlog.Hash {
	out := make([]tlog.Hash, len(in))
	for i, h := range in {
		out[i] = tlog.Hash(h)
	}
	return out
}

func hexes(in []tlog.Hash) []hexHash {
	out := make([]hexHash, len(in))
	for i, h := range in {
		out[i] = hexHash(h)
	}
	return out
}

// checkCase is one tlog-check input: an inclusion proof of leaf LeafIndex in the
// tree (TreeSize, Root), and a consistency proof from (OldSize, OldRoot) to it.
type checkCase struct {
	TreeSize    int64     `json:"tree_size"`
	Root        hexHash   `json:"root"`
	LeafIndex   int64     `json:"leaf_index"`
	LeafHash    hexHash   `json:"leaf_hash"`
	Inclusion   []hexHash `json:"inclusion"`
	OldSize     int64     `json:"old_size"`
	OldRoot     hexHash   `json:"old_root"`
	Consistency []hexHash `json:"consistency"`
}

type checkResult struct {
	Record string `json:"record"` // "ok" or tlog.CheckRecord's error
	Tree   string `json:"tree"`   // "ok" or tlog.CheckTree's error
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// tlogCheck reads a stream of JSON cases and prints one result line per case.
// It exits 0 only when every case's inclusion and consistency proofs verify.
func tlogCheck() error {
	dec := json.NewDecoder(os.Stdin)
	failed, total := 0, 0
	for {
		var c checkCase
		if err := dec.Decode(&c); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("tlog-check: case %d: %v", total, err)
		}
		total++
		r := checkResult{
			Record: errText(tlog.CheckRecord(hashes(c.Inclusion), c.TreeSize, tlog.Hash(c.Root), c.LeafIndex, tlog.Hash(c.LeafHash))),
			Tree:   errText(tlog.CheckTree(hashes(c.Consistency), c.TreeSize, tlog.Hash(c.Root), c.OldSize, tlog.Hash(c.OldRoot))),
		}
		if r.Record != "ok" || r.Tree != "ok" {
			failed++
		}
		if err := printJSON(r); err != nil {
			return err
		}
	}
	if total == 0 {
		return errors.New("tlog-check: no cases on stdin")
	}
	if failed > 0 {
		return fmt.Errorf("tlog-check: %d of %d cases refused", failed, total)
	}
	return nil
}

// proveRequest: the leaf hashes of a log, and which proofs to make from it.
// Records are [tree size, leaf index]; Trees are [tree size, old size];
// Roots are tree sizes.
type proveRequest struct {
	Leaves  []hexHash  `json:"leaves"`
	Records [][2]int64 `json:"records"`
	Trees   [][2]int64 `json:"trees"`
	Roots   []int64    `json:"roots"`
}

type proveResponse struct {
	Records [][]hexHash `json:"records"`
	Trees   [][]hexHash `json:"trees"`
	Roots   []hexHash   `json:"roots"`
}

// tlogProve stores the log's hashes the way tlog does (StoredHashesForRecordHash
// for each leaf in turn, into an in-memory slice read through a HashReader) and
// answers with tlog.ProveRecord, tlog.ProveTree and tlog.TreeHash.
func tlogProve() error {
	var req proveRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return fmt.Errorf("tlog-prove: %v", err)
	}
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("tlog-prove: no stored hash %d", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, leaf := range req.Leaves {
		hs, err := tlog.StoredHashesForRecordHash(int64(i), tlog.Hash(leaf), reader)
		if err != nil {
			return err
		}
		if int64(len(stored)) != tlog.StoredHashIndex(0, int64(i)) {
			return errors.New("tlog-prove: stored hash index math disagrees")
		}
		stored = append(stored, hs...)
	}
	resp := proveResponse{Records: [][]hexHash{}, Trees: [][]hexHash{}, Roots: []hexHash{}}
	for _, r := range req.Records {
		p, err := tlog.ProveRecord(r[0], r[1], reader)
		if err != nil {
			return fmt.Errorf("ProveRecord(%d, %d): %v", r[0], r[1], err)
		}
		resp.Records = append(resp.Records, hexes(p))
	}
	for _, t := range req.Trees {
		p, err := tlog.ProveTree(t[0], t[1], reader)
		if err != nil {
			return fmt.Errorf("ProveTree(%d, %d): %v", t[0], t[1], err)
		}
		resp.Trees = append(resp.Trees, hexes(p))
	}
	for _, n := range req.Roots {
		h, err := tlog.TreeHash(n, reader)
		if err != nil {
			return fmt.Errorf("TreeHash(%d): %v", n, err)
		}
		resp.Roots = append(resp.Roots, hexHash(h))
	}
	return printJSON(resp)
}
