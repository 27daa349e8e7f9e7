DROP FUNCTION coordination_desk_directions(timestamptz), coordination_desk_responses(),
    coordination_desk_overdue(timestamptz, integer), coordination_desk_weeks(timestamptz, interval, integer, text[]),
    coordination_desk_scope();
