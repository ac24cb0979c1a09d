package directory

import "time"

// DefaultInvitationTTL is how long a redeem link stays valid.
const DefaultInvitationTTL = 30 * 24 * time.Hour

// InvitationStatus is Graph's invitation.status.
type InvitationStatus string

const (
	InvitationPending   InvitationStatus = "PendingAcceptance"
	InvitationCompleted InvitationStatus = "Completed"
)

// Invitation is one invitation of an e-mail address into a tenant. The
// redeem token is random and stored only as its SHA-256 hash.
type Invitation struct {
	ID                    string // UUID
	TenantID              string
	UserID                string // the guest user created by the invitation
	InvitedEmail          string
	InvitedDisplayName    string
	InviteRedirectURL     string
	CustomizedMessageBody string
	SendInvitationMessage bool
	InvitedUserType       UserType
	InvitedByUserID       string // empty when the CLI invited
	TokenHash             []byte // SHA-256 of the redeem token
	Status                InvitationStatus
	CreatedAt             time.Time
	ExpiresAt             time.Time
	RedeemedAt            *time.Time
	// SupersededAt is when a newer invitation of the same invited user
	// replaced this one (a resend): its link no longer works.
	SupersededAt *time.Time
}

// InviteRequest is what an inviter asks for (Graph's POST /invitations).
type InviteRequest struct {
	InvitedUserEmailAddress string
	InviteRedirectURL       string
	InvitedUserDisplayName  string
	SendInvitationMessage   bool
	CustomizedMessageBody   string
	InvitedUserType         UserType // default Guest
}

// InviteResult is the outcome of Invite. RedeemToken and RedeemURL are
// known only now: orgdir keeps the hash.
type InviteResult struct {
	Invitation  *Invitation
	User        *User
	RedeemToken string
	RedeemURL   string
	Resent      bool // the address already had a live invited user here
}
