package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/validate"
)

const personColumns = `id, case_id, role, code, sex, age_estimate, nationality, consent, consent_recorded_at,
	override_reason, suspect_status, added_by_agency_id`

// codePrefix marks a code's role at a glance: S survivor, P suspect
// (perpetrator), W witness.
var codePrefix = map[access.PersonRole]string{access.Survivor: "S", access.Suspect: "P", access.Witness: "W"}

// codeLengths is how many characters each try at a code has. Four give a
// million codes per role, which a million cases fill, and a taken code
// costs a try; so a code that is taken twice is tried longer, up to the
// eight the column allows (a trillion per role), and AddPerson does not run
// out. Codes already given keep their length.
var codeLengths = []int{4, 4, 5, 5, 6, 6, 7, 7, 8, 8}

// newCode returns a pseudonymous code such as S-7F3K: n characters of
// base32 (from rand.Text), no look-alikes to misread over a phone.
func newCode(role access.PersonRole, text string, n int) string {
	return codePrefix[role] + "-" + text[:n]
}

// AddPerson records a person on a case with their identity, and returns the
// person's code.
func (s *Store) AddPerson(ctx context.Context, actor access.Actor, caseID int64, in PersonInput) (string, error) {
	var code string
	err := s.onCase(ctx, actor, caseID, "person.add", actor.CanAddToCase, func(tx pgx.Tx, c Case) error {
		names, aliases, dob, age, verrs := in.Validate(s.now())
		if err := verrs.Err(); err != nil {
			return err
		}
		var suspectStatus *string
		if in.Role == access.Suspect {
			suspectStatus = &in.SuspectStatus
		}
		// Consent is the owner's to record, with the survivor in front of them.
		consent := in.Consent && in.Role != access.Suspect && actor.CanRecordConsent(c.Facts())
		var id int64
		var err error
		for _, n := range codeLengths {
			code = newCode(in.Role, s.codeText(), n)
			err = tx.QueryRow(ctx, `
				INSERT INTO case_people (case_id, role, code, sex, age_estimate, nationality, consent, consent_recorded_at,
					suspect_status, added_by_agency_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 THEN now() END, $8, $9)
				ON CONFLICT (code) DO NOTHING RETURNING id`,
				caseID, in.Role, code, in.Sex, age, in.Nationality, consent, suspectStatus, actor.AgencyID).Scan(&id)
			if !errors.Is(err, pgx.ErrNoRows) {
				break
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO person_identities (person_id, names, aliases, date_of_birth, languages, documents)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, names, nonNil(aliases), dob, strings.TrimSpace(in.Languages),
			strings.TrimSpace(in.Documents)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "person.add", ObjectType: "person", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"case_id": caseID, "role": in.Role, "code": code}})
	})
	return code, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// person loads one person of a case the actor may see.
func person(ctx context.Context, tx pgx.Tx, caseID, personID int64) (Person, error) {
	rows, _ := tx.Query(ctx, `SELECT `+personColumns+` FROM case_people WHERE id = $1 AND case_id = $2`, personID, caseID)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Person])
	if errors.Is(err, pgx.ErrNoRows) {
		return Person{}, ErrNotFound
	}
	return p, err
}

// RevealIdentity returns who a person is, where DESIGN §3.4 allows it, and
// records that it was shown: every reveal is an audit event.
func (s *Store) RevealIdentity(ctx context.Context, actor access.Actor, caseID, personID int64) (Case, Person, Identity, error) {
	var c Case
	var p Person
	var id Identity
	may := func(f access.CaseFacts, p Person) bool { return actor.CanSeeIdentity(f, p.Facts()) }
	err := s.onPerson(ctx, actor, caseID, personID, "identity.reveal", may, func(tx pgx.Tx, cs Case, ps Person) (err error) {
		c, p = cs, ps
		rows, _ := tx.Query(ctx, `SELECT names, aliases, date_of_birth, languages, documents FROM person_identities WHERE person_id = $1`, personID)
		if id, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Identity]); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "identity.reveal", ObjectType: "person", ObjectID: fmt.Sprint(personID),
			Details: map[string]any{"case_id": caseID, "code": p.Code, "consent": p.Consent, "override": p.OverrideReason != nil}})
	})
	return c, p, id, err
}

// SetConsent records whether a survivor or witness agreed to share their
// identity with partner agencies, and when.
func (s *Store) SetConsent(ctx context.Context, actor access.Actor, caseID, personID int64, consent bool) error {
	may := func(f access.CaseFacts, p Person) bool { return actor.CanRecordConsent(f) && p.Role != access.Suspect }
	return s.onPerson(ctx, actor, caseID, personID, "person.consent", may, func(tx pgx.Tx, _ Case, _ Person) error {
		if _, err := tx.Exec(ctx, `
			UPDATE case_people SET consent = $2, consent_recorded_at = CASE WHEN $2 THEN now() END, updated_at = now()
			WHERE id = $1`, personID, consent); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "person.consent", ObjectType: "person", ObjectID: fmt.Sprint(personID),
			Details: map[string]any{"case_id": caseID, "consent": consent}})
	})
}

// Override opens a person's identity to partners without consent, for a
// written reason: the owning agency's coordinators only, and audited.
func (s *Store) Override(ctx context.Context, actor access.Actor, caseID, personID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	e := validate.Errors{}
	e.Text("reason", reason, true, 10, 1000)
	if err := e.Err(); err != nil {
		return err
	}
	may := func(f access.CaseFacts, _ Person) bool { return actor.CanOverrideIdentity(f) }
	return s.onPerson(ctx, actor, caseID, personID, "identity.override", may, func(tx pgx.Tx, _ Case, _ Person) error {
		if _, err := tx.Exec(ctx, `
			UPDATE case_people SET override_reason = $2, override_by = app_user(), override_at = now(), updated_at = now()
			WHERE id = $1`, personID, reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "identity.override", ObjectType: "person", ObjectID: fmt.Sprint(personID),
			Details: map[string]any{"case_id": caseID, "reason": reason}})
	})
}

// UpdatePerson corrects a person's record and identity: the owning
// agency's investigators and coordinators, e.g. when a suspect is arrested
// or an alias comes to light. A person's role on the case stays.
func (s *Store) UpdatePerson(ctx context.Context, actor access.Actor, caseID, personID int64, in PersonInput) error {
	may := func(f access.CaseFacts, _ Person) bool { return actor.CanEditCase(f) }
	return s.onPerson(ctx, actor, caseID, personID, "person.update", may, func(tx pgx.Tx, _ Case, p Person) error {
		in.Role = p.Role
		names, aliases, dob, age, verrs := in.Validate(s.now())
		if err := verrs.Err(); err != nil {
			return err
		}
		var suspectStatus *string
		if p.Role == access.Suspect {
			suspectStatus = &in.SuspectStatus
		}
		if _, err := tx.Exec(ctx, `
			UPDATE case_people SET sex = $2, age_estimate = $3, nationality = $4, suspect_status = $5, updated_at = now()
			WHERE id = $1`, personID, in.Sex, age, in.Nationality, suspectStatus); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE person_identities SET names = $2, aliases = $3, date_of_birth = $4, languages = $5, documents = $6
			WHERE person_id = $1`, personID, names, nonNil(aliases), dob, strings.TrimSpace(in.Languages),
			strings.TrimSpace(in.Documents)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "person.update", ObjectType: "person", ObjectID: fmt.Sprint(personID),
			Details: map[string]any{"case_id": caseID, "code": p.Code}})
	})
}
