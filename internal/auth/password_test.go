package auth

import (
	"strings"
	"testing"
)

func TestArgon2HashAndVerify(t *testing.T) {
	h := &Argon2Hasher{Params: Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}}
	hash, err := h.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", hash)
	}
	if ok, err := h.Verify(hash, "correct horse"); err != nil || !ok {
		t.Fatalf("right password: ok=%v err=%v", ok, err)
	}
	if ok, err := h.Verify(hash, "wrong horse"); err != nil || ok {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	again, _ := h.Hash("correct horse")
	if again == hash {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if _, err := h.Verify("$2a$10$notargon", "x"); err == nil {
		t.Fatal("a bcrypt hash verified without error")
	}
}
