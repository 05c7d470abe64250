package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// algCosignatureV1 is the key type byte of C2SP tlog-cosignature's cosignature/v1.
const algCosignatureV1 = 0x04

// cosigVerifier checks a C2SP tlog-cosignature cosignature/v1 signature:
// sig = 8-byte big-endian timestamp || Ed25519 signature of
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint body (the note text).
type cosigVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }

func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(v.key, cosignedMessage(binary.BigEndian.Uint64(sig[:8]), msg), sig[8:])
}

func cosignedMessage(t uint64, body []byte) []byte {
	return append([]byte("cosignature/v1\ntime "+strconv.FormatUint(t, 10)+"\n"), body...)
}

// keyHash is the note key ID: the first four bytes of SHA-256(name || "\n" || type || key).
func keyHash(name string, key []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write(key)
	return binary.BigEndian.Uint32(h.Sum(nil)[:4])
}

// newCosigVerifier parses "name+hash+base64(0x04 || 32-byte Ed25519 key)".
func newCosigVerifier(vkey string) (*cosigVerifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 || parts[0] == "" {
		return nil, errors.New("malformed cosigner key")
	}
	name, hashText, keyText := parts[0], parts[1], parts[2]
	hash, err := strconv.ParseUint(hashText, 16, 32)
	if err != nil || len(hashText) != 8 {
		return nil, errors.New("malformed cosigner key: key hash")
	}
	key, err := base64.StdEncoding.DecodeString(keyText)
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != algCosignatureV1 {
		return nil, errors.New("malformed cosigner key: not a cosignature/v1 Ed25519 key")
	}
	if uint32(hash) != keyHash(name, key) {
		return nil, errors.New("malformed cosigner key: key hash does not match name and key")
	}
	return &cosigVerifier{name: name, hash: uint32(hash), key: ed25519.PublicKey(key[1:])}, nil
}

func vkeyType(vkey string) byte {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return 0
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) == 0 {
		return 0
	}
	return key[0]
}

type sigOut struct {
	Name      string  `json:"name"`
	KeyHash   string  `json:"key_hash"`
	Timestamp *uint64 `json:"timestamp,omitempty"` // cosignatures only
}

// noteVerify opens stdin as a signed note. Only verifiers built from the given
// keys are known; note.Open refuses a note none of them signed, and any
// signature by a known key that does not verify.
func noteVerify(vkeys []string, cosigs bool) error {
	if len(vkeys) == 0 {
		return errors.New("note-verify: no verifier keys given")
	}
	var list []note.Verifier
	cosigners := map[string]bool{}
	for _, vk := range vkeys {
		if cosigs && vkeyType(vk) == algCosignatureV1 {
			v, err := newCosigVerifier(vk)
			if err != nil {
				return fmt.Errorf("cosigner key %q: %v", vk, err)
			}
			list = append(list, v)
			cosigners[fmt.Sprintf("%s+%08x", v.name, v.hash)] = true
			continue
		}
		v, err := note.NewVerifier(vk)
		if err != nil {
			return fmt.Errorf("verifier key %q: %v", vk, err)
		}
		list = append(list, v)
	}
	msg, err := readStdin()
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(list...))
	if err != nil {
		return fmt.Errorf("note.Open: %v", err)
	}
	out := struct {
		Text       string   `json:"text"`
		Sigs       []string `json:"sigs"`
		Signatures []sigOut `json:"signatures"`
		Unverified []string `json:"unverified"`
	}{Text: n.Text, Sigs: []string{}, Signatures: []sigOut{}, Unverified: []string{}}
	for _, s := range n.Sigs {
		o := sigOut{Name: s.Name, KeyHash: fmt.Sprintf("%08x", s.Hash)}
		if cosigners[fmt.Sprintf("%s+%08x", s.Name, s.Hash)] {
			raw, err := base64.StdEncoding.DecodeString(s.Base64)
			if err != nil || len(raw) < 12 {
				return errors.New("cosignature: malformed after note.Open accepted it")
			}
			t := binary.BigEndian.Uint64(raw[4:12])
			o.Timestamp = &t
		}
		out.Sigs = append(out.Sigs, s.Name)
		out.Signatures = append(out.Signatures, o)
	}
	for _, s := range n.UnverifiedSigs {
		out.Unverified = append(out.Unverified, s.Name)
	}
	return printJSON(out)
}

// noteSign signs stdin with a fresh key for NAME (note.GenerateKey) or with the
// given PRIVATE+KEY+... (note.NewSigner) and prints {vkey, skey, note}.
func noteSign(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: note-sign NAME|PRIVATE+KEY+...")
	}
	skey := args[0]
	vkey := ""
	if !strings.HasPrefix(skey, "PRIVATE+KEY+") {
		var err error
		if skey, vkey, err = note.GenerateKey(rand.Reader, args[0]); err != nil {
			return err
		}
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fmt.Errorf("note.NewSigner: %v", err)
	}
	if vkey == "" {
		vkey, err = vkeyOf(skey)
		if err != nil {
			return err
		}
	}
	text, err := readStdin()
	if err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return fmt.Errorf("note.Sign: %v", err)
	}
	return printJSON(map[string]string{"vkey": vkey, "skey": skey, "note": string(msg)})
}

// vkeyOf derives the verifier key of an Ed25519 signer key "PRIVATE+KEY+name+hash+base64(0x01||seed)".
func vkeyOf(skey string) (string, error) {
	parts := strings.SplitN(strings.TrimPrefix(skey, "PRIVATE+KEY+"), "+", 3)
	if len(parts) != 3 {
		return "", errors.New("malformed signer key")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return "", errors.New("signer key: not an Ed25519 seed")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[0], pub)
}
