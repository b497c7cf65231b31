import PathwayModel
// Diff and region compare live here (issue 4).
