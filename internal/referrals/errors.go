package referrals

import (
	"strings"

	"github.com/handshake-mekong/handshake/internal/validate"
)

func declineReason(reason string) error {
	e := validate.Errors{}
	e.Text("reason", strings.TrimSpace(reason), true, 3, 2000)
	return e.Err()
}

func assigneeError() error {
	return validate.Errors{"assignee": {ID: "error.choice"}}
}
