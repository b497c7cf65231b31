import PathwayModel
// Exporters live here (issue 5).
