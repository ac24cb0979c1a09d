package directory

// Filter is a boolean expression over an object's Graph property names
// (displayName, userType, deletedDateTime, …). The API parses it from
// $filter; each store compiles it into its own query language and refuses
// a property it does not know with KindInvalid. Values are string, bool,
// time.Time or nil.
type Filter interface{ isFilter() }

// CmpOp is a comparison operator of Compare.
type CmpOp string

const (
	OpEq         CmpOp = "eq"
	OpNe         CmpOp = "ne"
	OpGt         CmpOp = "gt"
	OpGe         CmpOp = "ge"
	OpLt         CmpOp = "lt"
	OpLe         CmpOp = "le"
	OpStartsWith CmpOp = "startswith" // strings only, case-insensitive
)

// Compare is `Property Op Value`. String equality is case-insensitive, as
// in Graph.
type Compare struct {
	Property string
	Op       CmpOp
	Value    any
}

// And is true when both sides are.
type And struct{ Left, Right Filter }

// Or is true when either side is.
type Or struct{ Left, Right Filter }

// Not negates X.
type Not struct{ X Filter }

func (Compare) isFilter() {}
func (And) isFilter()     {}
func (Or) isFilter()      {}
func (Not) isFilter()     {}

// Orderings of user listings.
const (
	OrderByID              = ""
	OrderByDisplayName     = "displayName"
	OrderByDeletedDateTime = "deletedDateTime"
)

// DefaultPageSize and MaxPageSize bound every listing, as Graph's $top.
const (
	DefaultPageSize = 100
	MaxPageSize     = 999
)

// UserQuery selects users of one tenant, one page at a time. Paging is by
// keyset: After is the last user of the previous page (only the fields the
// ordering uses, and ID, need to be set), so a page is stable while users
// are added and deleted.
type UserQuery struct {
	Deleted bool   // Deleted users instead of live ones
	Filter  Filter // optional
	Search  string // optional: case-insensitive substring of displayName, mail or UPN
	// SearchIn limits Search to one of UserSearchProperties; "" searches
	// all three.
	SearchIn string
	OrderBy  string // OrderByID, OrderByDisplayName or OrderByDeletedDateTime
	Desc     bool
	After    *User
	Limit    int // 1..MaxPageSize; 0 means DefaultPageSize
}

// AuditQuery selects audit events of one tenant, newest first.
type AuditQuery struct {
	Filter   Filter // on activityDateTime, activityDisplayName, category, result
	TargetID string // optional: only events that name this object, as a target or as the initiator
	After    *AuditEvent
	Limit    int
}

// GroupQuery selects groups of one tenant, by display name then id.
type GroupQuery struct {
	Filter Filter // on id, displayName
	After  *Group
	Limit  int
}

// Page bounds for listings.
type Page struct {
	Limit   int    // at most this many; 0 means the store's default
	AfterID string // keyset: only objects with a greater id
}
