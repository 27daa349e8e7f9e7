package access_test

import (
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
)

// TestAftercareRules is DESIGN §3.5 as a table: AIM (agency 2) writes a
// note on a survivor of a case PPR2 (agency 1) owns and shares with AIM and
// OUR (agency 3) to read; CLEC (agency 4) has no share.
func TestAftercareRules(t *testing.T) {
	const ppr2, aim, our, clec = 1, 2, 3, 4
	shared := func(agency int32) access.CaseFacts {
		f := access.CaseFacts{OwnerAgencyID: ppr2, HandlingCode: access.Partners}
		if agency == aim || agency == our {
			f.Share = access.Read
		}
		return f
	}
	actor := func(agency int32, kind access.Kind, roles ...access.Role) access.Actor {
		return access.Actor{UserID: int64(agency) * 10, AgencyID: agency, AgencyKind: kind, Roles: roles}
	}
	for _, tc := range []struct {
		name                                           string
		a                                              access.Actor
		page, add, record                              bool
		caseExists, caseBody, agencyExists, agencyBody bool
	}{
		{"AIM caseworker (author)", actor(aim, access.NGO, access.Caseworker), true, true, true, true, true, true, true},
		{"AIM investigator (authoring agency)", actor(aim, access.NGO, access.Investigator), true, false, false, true, true, true, true},
		{"OUR caseworker (partner)", actor(our, access.NGO, access.Caseworker), true, true, true, true, true, false, false},
		{"OUR coordinator (partner)", actor(our, access.NGO, access.Coordinator), true, false, true, true, true, false, false},
		{"OUR investigator (partner)", actor(our, access.NGO, access.Investigator), true, false, false, true, false, false, false},
		{"PPR2 investigator (owner)", actor(ppr2, access.Police, access.Investigator), true, false, false, true, false, false, false},
		{"PPR2 coordinator (owner)", actor(ppr2, access.Police, access.Coordinator), true, false, true, true, true, false, false},
		{"CLEC caseworker (no share)", actor(clec, access.NGO, access.Caseworker), false, false, false, false, false, false, false},
		{"AIM analyst", actor(aim, access.NGO, access.Analyst), false, false, false, false, false, false, false},
		{"AIM agency admin", actor(aim, access.NGO, access.AgencyAdmin), false, false, false, false, false, false, false},
	} {
		c := shared(tc.a.AgencyID)
		for what, got := range map[string][2]bool{
			"page":                  {tc.a.CanSeeAftercare(c, access.Survivor), tc.page},
			"add a note":            {tc.a.CanAddAftercare(c, access.Survivor), tc.add},
			"record a service":      {tc.a.CanRecordService(c, access.Survivor), tc.record},
			"case note exists":      {tc.a.CanSeeNoteExists(c, aim, access.WholeCase), tc.caseExists},
			"case note body":        {tc.a.CanReadNoteBody(c, aim, access.WholeCase), tc.caseBody},
			"agency note exists":    {tc.a.CanSeeNoteExists(c, aim, access.AgencyOnly), tc.agencyExists},
			"agency note body":      {tc.a.CanReadNoteBody(c, aim, access.AgencyOnly), tc.agencyBody},
			"service note":          {tc.a.CanReadServiceNote(c, aim), tc.caseBody},
			"a suspect's aftercare": {tc.a.CanSeeAftercare(c, access.Suspect) || tc.a.CanAddAftercare(c, access.Witness), false},
		} {
			if got[0] != got[1] {
				t.Errorf("%s: %s = %v, want %v", tc.name, what, got[0], got[1])
			}
		}
	}
}

func TestServiceStatusMovesByRecorderOrProvider(t *testing.T) {
	c := access.CaseFacts{OwnerAgencyID: 1, HandlingCode: access.Partners, Share: access.Read}
	cw := func(agency int32) access.Actor {
		return access.Actor{AgencyID: agency, AgencyKind: access.NGO, Roles: []access.Role{access.Caseworker}}
	}
	if !cw(2).CanUpdateService(c, access.Survivor, 2, 3) || !cw(3).CanUpdateService(c, access.Survivor, 2, 3) {
		t.Error("the recording or providing agency cannot move the service")
	}
	if cw(4).CanUpdateService(c, access.Survivor, 2, 3) {
		t.Error("a third agency moves the service")
	}
	owner := access.Actor{AgencyID: 1, AgencyKind: access.Police, Roles: []access.Role{access.Coordinator}}
	if owner.CanUpdateService(access.CaseFacts{OwnerAgencyID: 1, HandlingCode: access.Partners}, access.Survivor, 2, 3) {
		t.Error("the owner moves another agency's service")
	}
}

func TestFollowUpsAreForAftercareStaff(t *testing.T) {
	for role, want := range map[access.Role]bool{access.Caseworker: true, access.Coordinator: true,
		access.Investigator: false, access.Analyst: false, access.AgencyAdmin: false} {
		if got := (access.Actor{Roles: []access.Role{role}}).CanSeeFollowUps(); got != want {
			t.Errorf("%s: %v, want %v", role, got, want)
		}
	}
}
