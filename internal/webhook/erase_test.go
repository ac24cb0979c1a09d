package webhook_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgdir/orgdir/internal/directory"
	"github.com/orgdir/orgdir/internal/store/sqlite"
)

// TestAnErasedPersonLeavesNothingInTheQueue: a guest whose changes were
// queued and delivered to subscriptions is erased; the database file and
// its WAL hold none of the person's bytes, and no notification did.
func TestAnErasedPersonLeavesNothingInTheQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgdir.db")
	st := must(sqlite.Open(context.Background(), path))(t)
	t.Cleanup(func() { _ = st.Close() })
	w := newWorldOn(t, st)
	users, members := newReceiver(t), newReceiver(t)
	w.subscribe(users, "users", "created,updated,deleted", "")
	w.subscribe(members, "groups/"+w.team.ID+"/members", "created,deleted", "")
	d := w.dispatcher()

	const (
		name = "Zenobia Quixotic-Farthingale"
		mail = "ZQ.Farthingale9317@Rare-Mailhost.example"
	)
	admin := w.as(w.admin)
	identity := must(w.svc.EnsureEmailIdentity(w.sys, mail))(t)
	res := must(w.svc.Invite(admin, w.contoso.ID, directory.InviteRequest{InvitedUserEmailAddress: mail, InvitedUserDisplayName: name}))(t)
	person := directory.WithActor(context.Background(), directory.EmailActor(identity.ID))
	guest := must(w.svc.Redeem(person, res.RedeemToken))(t)
	if err := w.svc.AddGroupMember(admin, w.contoso.ID, w.team.ID, guest.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(d)
	if err := st.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.Contains(b, []byte(name)) {
		t.Fatalf("setup: the guest's name is not in the file (%v), so the scan below would prove nothing", err)
	}
	if err := w.svc.Leave(person, w.contoso.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(d)
	if err := w.svc.PermanentlyDeleteUser(admin, w.contoso.ID, guest.ID); err != nil {
		t.Fatal(err)
	}
	w.deliver(d)
	if got := len(users.notifications()); got < 4 { // created, updated (redeemed), deleted ×2
		t.Fatalf("%d user notifications: the scan would prove little", got)
	}
	if err := st.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}

	secrets := []string{name, mail, strings.ToLower(mail), "Farthingale9317", "farthingale9317", "Zenobia", "zenobia"}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if i := bytes.Index(b, []byte(s)); i >= 0 {
				t.Errorf("%s still holds %q at byte %d", filepath.Base(f), s, i)
			}
		}
	}
	for _, r := range []*receiver{users, members} {
		for _, dl := range r.deliveries() {
			for _, s := range secrets {
				if bytes.Contains(dl.body, []byte(s)) {
					t.Errorf("a notification held %q: %s", s, dl.body)
				}
			}
		}
	}
}
