package secretbox_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/secretbox"
)

func newBox(t *testing.T) *secretbox.Box {
	t.Helper()
	k, err := secretbox.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := secretbox.ParseKey(k)
	if err != nil {
		t.Fatal(err)
	}
	b, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	b := newBox(t)
	cases := []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"access key secret", []byte("LTAI5tExampleSecret0123456789abc"), []byte("cloud_account:42:cn")},
		{"empty plaintext", []byte{}, []byte("webhook:7")},
		{"no aad", []byte("smtp-password"), nil},
		{"binary and unicode", append([]byte("密钥\x00\xff"), bytes.Repeat([]byte{0xab}, 1000)...), []byte("llm:default")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := b.Seal(tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			// version byte + 12-byte nonce + plaintext + 16-byte tag
			if want := 1 + 12 + len(tc.plaintext) + 16; len(ct) != want {
				t.Fatalf("len(ciphertext) = %d, want %d", len(ct), want)
			}
			if ct[0] != 1 {
				t.Fatalf("version byte = %d, want 1", ct[0])
			}
			if len(tc.plaintext) > 8 && bytes.Contains(ct, tc.plaintext[:8]) {
				t.Fatal("ciphertext contains plaintext")
			}
			pt, err := b.Open(ct, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pt, tc.plaintext) {
				t.Fatalf("Open = %q, want %q", pt, tc.plaintext)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	b := newBox(t)
	other := newBox(t)
	aad := []byte("cloud_account:42:cn")
	ct, err := b.Seal([]byte("secret"), aad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	cases := []struct {
		name    string
		box     *secretbox.Box
		ct      []byte
		aad     []byte
		wantErr error
	}{
		{"nonce flipped", b, flip(1), aad, secretbox.ErrOpen},
		{"ciphertext flipped", b, flip(14), aad, secretbox.ErrOpen},
		{"tag flipped", b, flip(len(ct) - 1), aad, secretbox.ErrOpen},
		{"truncated", b, ct[:len(ct)-1], aad, secretbox.ErrOpen},
		{"too short for a tag", b, ct[:20], aad, secretbox.ErrOpen},
		{"empty", b, nil, aad, secretbox.ErrOpen},
		{"wrong key", other, ct, aad, secretbox.ErrOpen},
		{"other row", b, ct, []byte("cloud_account:43:cn"), secretbox.ErrOpen},
		{"other site", b, ct, []byte("cloud_account:42:intl"), secretbox.ErrOpen},
		{"aad missing", b, ct, nil, secretbox.ErrOpen},
		{"extra byte appended", b, append(bytes.Clone(ct), 0), aad, secretbox.ErrOpen},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pt, err := tc.box.Open(tc.ct, tc.aad)
			if !errors.Is(err, tc.wantErr) || pt != nil {
				t.Fatalf("Open = %q, %v; want %v", pt, err, tc.wantErr)
			}
		})
	}

	t.Run("unknown version", func(t *testing.T) {
		c := bytes.Clone(ct)
		c[0] = 2
		if _, err := b.Open(c, aad); err == nil || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("Open = %v, want unknown version error", err)
		}
	})
}

func TestNoncesUnique(t *testing.T) {
	b := newBox(t)
	const n = 10_000
	seen := make(map[string]bool, n)
	var first []byte
	for i := range n {
		ct, err := b.Seal([]byte("same secret"), []byte("same row"))
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(ct[1:13])
		if seen[nonce] {
			t.Fatalf("nonce repeated after %d seals", i)
		}
		seen[nonce] = true
		if i == 0 {
			first = ct
		} else if bytes.Equal(ct, first) {
			t.Fatal("same plaintext sealed to the same ciphertext twice")
		}
	}
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := secretbox.New(make([]byte, n)); err == nil || !strings.Contains(err.Error(), "32 bytes") {
			t.Fatalf("New(%d bytes) = %v, want length error", n, err)
		}
	}
	if _, err := secretbox.New(make([]byte, 32)); err != nil {
		t.Fatalf("New(32 bytes) = %v", err)
	}
}

func TestParseKey(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(250 - i) // high bytes make the std and URL alphabets differ
	}
	cases := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"std padded", base64.StdEncoding.EncodeToString(key), ""},
		{"std raw", base64.RawStdEncoding.EncodeToString(key), ""},
		{"url padded", base64.URLEncoding.EncodeToString(key), ""},
		{"url raw", base64.RawURLEncoding.EncodeToString(key), ""},
		{"surrounding whitespace", "  " + base64.StdEncoding.EncodeToString(key) + "\n", ""},
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"16 bytes", base64.StdEncoding.EncodeToString(key[:16]), "got 16"},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(bytes.Clone(key), 1)), "got 33"},
		{"not base64", "this is not a key!", "not valid base64"},
		{"hex instead of base64", strings.Repeat("zz", 32), "got 48"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := secretbox.ParseKey(tc.in)
			if tc.wantErr == "" {
				if err != nil || !bytes.Equal(got, key) {
					t.Fatalf("ParseKey = %x, %v; want %x", got, err, key)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseKey = %x, %v; want error containing %q", got, err, tc.wantErr)
			}
			if strings.TrimSpace(tc.in) != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
				t.Fatalf("error %q repeats the key", err)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	a, err := secretbox.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, err := secretbox.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two generated keys are equal")
	}
	raw, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 {
		t.Fatalf("generated key decodes to %d bytes, %v; want 32", len(raw), err)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	k, _ := secretbox.GenerateKey()
	key, _ := secretbox.ParseKey(k)
	box, _ := secretbox.New(key)
	secret := []byte("LTAI5tExampleSecret0123456789abc")
	aad := []byte("cloud_account:42:cn")
	b.ReportAllocs()
	for b.Loop() {
		ct, err := box.Seal(secret, aad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := box.Open(ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}
