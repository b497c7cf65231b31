import PathwayModel
// The simulator lives here (issue 3).
