// Package secretbox encrypts secrets at rest (cloud AccessKey secrets, webhook, SMTP and LLM keys)
// with AES-256-GCM under the key from CLOUDLENS_SECRET_KEY. Additional data binds each ciphertext
// to the row it belongs to, so a ciphertext copied into another row fails to open.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// version1 is the first byte of every sealed value: AES-256-GCM with a 12-byte random nonce. A
// later format or key can be told apart by it without guessing.
const version1 byte = 1

// ErrOpen is returned for every ciphertext that does not open: tampered, truncated, sealed under
// another key or for another row. The causes are not told apart, which gives an attacker nothing.
var ErrOpen = errors.New("secretbox: ciphertext does not open with this key and additional data")

// Box seals and opens values under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box for key, which must be exactly 32 bytes.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secretbox: key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// ParseKey decodes a key written as base64 in any of the common alphabets (standard or URL-safe,
// padded or not), as people paste keys from different tools. The error never repeats the input.
func ParseKey(b64 string) ([]byte, error) {
	s := strings.TrimSpace(b64)
	if s == "" {
		return nil, errors.New("secretbox: key is empty; generate one with 32 random bytes in base64")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("secretbox: key must decode to %d bytes, got %d", KeySize, len(key))
		}
		return key, nil
	}
	return nil, errors.New("secretbox: key is not valid base64")
}

// GenerateKey returns a new random key in standard base64, ready for CLOUDLENS_SECRET_KEY.
func GenerateKey() (string, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("secretbox: generate key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(key), nil
}

// Seal encrypts plaintext bound to aad and returns version byte, nonce and ciphertext with tag.
// Random 96-bit nonces are safe for far more secrets than CloudLens will ever store under one key.
func (b *Box) Seal(plaintext, aad []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+b.aead.Overhead())
	out[0] = version1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("secretbox: nonce: %w", err)
	}
	return b.aead.Seal(out, out[1:], plaintext, withVersion(version1, aad)), nil
}

// Open decrypts a value made by Seal with the same key and aad; anything else fails with ErrOpen.
func (b *Box) Open(ciphertext, aad []byte) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(ciphertext) < 1+ns+b.aead.Overhead() {
		return nil, ErrOpen
	}
	if ciphertext[0] != version1 {
		return nil, fmt.Errorf("secretbox: unknown format version %d", ciphertext[0])
	}
	pt, err := b.aead.Open(nil, ciphertext[1:1+ns], ciphertext[1+ns:], withVersion(ciphertext[0], aad))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// withVersion authenticates the version byte too, so it cannot be changed to steer a future
// reader to another format.
func withVersion(v byte, aad []byte) []byte {
	return append([]byte{v}, aad...)
}
