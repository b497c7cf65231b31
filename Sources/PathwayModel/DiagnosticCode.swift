/// Every diagnostic code carepath can give: the catalogue that `Docs/diagnostics.md` is checked
/// against (each case has a `### CPnnn` section there, or a `| CPnnn |` table row for the
/// simulator's own checks and weights files).
///
/// The raw value is the code as written in output (`CP104`); `Diagnostic.code` stores it as a
/// `String`, so JSON output is unchanged. Codes are stable across releases: a code is never reused
/// for another meaning. The ranges are: CP0xx the file, YAML and values; CP1xx references; CP2xx
/// the shape of the pathway; CP3xx types and values; CP4xx data flow; CP5xx limits and the
/// simulator; CP6xx variants and weights files.
public enum DiagnosticCode: String, CaseIterable, Sendable {
    /// The file cannot be found or read.
    case cp001 = "CP001"
    /// The file is too large.
    case cp002 = "CP002"
    /// The file is empty.
    case cp003 = "CP003"
    /// The file is not text.
    case cp004 = "CP004"
    /// A tab where YAML needs a space: indenting a line, or after `key:` or `- `.
    case cp005 = "CP005"
    /// The file is not valid YAML.
    case cp006 = "CP006"
    /// A key is written twice.
    case cp007 = "CP007"
    /// The file is nested too deeply.
    case cp008 = "CP008"
    /// The file expands to too many values.
    case cp009 = "CP009"
    /// `yes`, `no`, `on` or `off` where `true` or `false` is needed.
    case cp010 = "CP010"
    /// A key that does not belong here.
    case cp011 = "CP011"
    /// Something required is missing.
    case cp012 = "CP012"
    /// A value has the wrong shape.
    case cp013 = "CP013"
    /// The file is written for another language version.
    case cp014 = "CP014"
    /// An id with characters ids cannot have.
    case cp015 = "CP015"
    /// A condition is empty.
    case cp020 = "CP020"
    /// A character conditions do not use.
    case cp021 = "CP021"
    /// Quoted text is never closed.
    case cp022 = "CP022"
    /// An operator from another language.
    case cp023 = "CP023"
    /// A value is missing or out of place.
    case cp024 = "CP024"
    /// Brackets that do not match.
    case cp025 = "CP025"
    /// Two conditions with no word between them.
    case cp026 = "CP026"
    /// Comparisons chained together.
    case cp027 = "CP027"
    /// A condition is too long.
    case cp028 = "CP028"
    /// A condition is nested too deeply.
    case cp029 = "CP029"
    /// A time that cannot be read.
    case cp030 = "CP030"
    /// A distribution that cannot be read.
    case cp031 = "CP031"
    /// An arrival pattern that cannot be read.
    case cp032 = "CP032"
    /// Opening hours that cannot be read.
    case cp033 = "CP033"
    /// A backlog, non-attendance, background demand or demand growth that cannot be used.
    case cp034 = "CP034"

    /// Not a step: a reference names a step that does not exist.
    case cp101 = "CP101"
    /// Not an organisation: an `organisation` names one that is not declared.
    case cp103 = "CP103"
    /// Not a resource: a step names a resource that is not declared.
    case cp104 = "CP104"
    /// A target names a step that does not exist.
    case cp106 = "CP106"
    /// A queue ordered by an attribute that does not exist.
    case cp108 = "CP108"
    /// A subpathway file that does not exist.
    case cp110 = "CP110"
    /// A subpathway outside the pathway folder.
    case cp111 = "CP111"
    /// A subpathway that leads back to itself.
    case cp112 = "CP112"

    /// A step no patient can reach.
    case cp201 = "CP201"
    /// A step with no way on.
    case cp202 = "CP202"
    /// A loop with no way out.
    case cp203 = "CP203"
    /// A parallel path that does not reach its join.
    case cp205 = "CP205"
    /// A decision with no fallback.
    case cp206 = "CP206"
    /// A decision with only one branch.
    case cp207 = "CP207"
    /// A handoff that never happens.
    case cp208 = "CP208"
    /// A parallel step with fewer than two paths.
    case cp209 = "CP209"
    /// A target whose clock can never stop.
    case cp210 = "CP210"
    /// An `otherwise` branch that is never taken.
    case cp211 = "CP211"
    /// More than one `otherwise` branch.
    case cp212 = "CP212"
    /// A join entered from outside its parallel block.
    case cp213 = "CP213"
    /// A jump into the middle of a parallel path.
    case cp214 = "CP214"
    /// A parallel path that leaves its block.
    case cp215 = "CP215"
    /// A join reached without its parallel step.
    case cp216 = "CP216"
    /// A branch that is never taken.
    case cp217 = "CP217"
    /// A condition that is never true.
    case cp218 = "CP218"
    /// A loop that takes no time.
    case cp219 = "CP219"

    /// Branch probabilities that do not add up.
    case cp301 = "CP301"
    /// An impossible probability.
    case cp302 = "CP302"
    /// A word that is not one of the choices.
    case cp303 = "CP303"
    /// A resource with no capacity.
    case cp304 = "CP304"
    /// A resource of another organisation.
    case cp305 = "CP305"
    /// Category shares that do not add up to 1.
    case cp306 = "CP306"
    /// An attribute whose `min` is above its `max`.
    case cp308 = "CP308"
    /// Not a SNOMED CT concept id.
    case cp309 = "CP309"
    /// A clock point that is not one of the choices.
    case cp310 = "CP310"
    /// A condition reads an attribute that is not declared.
    case cp320 = "CP320"
    /// A comparison of things of different kinds.
    case cp321 = "CP321"
    /// "Less than" on something that is not a number.
    case cp322 = "CP322"
    /// A value a category attribute does not have.
    case cp323 = "CP323"
    /// Units that do not match.
    case cp324 = "CP324"
    /// A condition that is not yes/no.
    case cp325 = "CP325"
    /// A unit that cannot be checked.
    case cp326 = "CP326"
    /// A comparison that is always or never true.
    case cp327 = "CP327"
    /// An empty `in` list.
    case cp328 = "CP328"
    /// A word that is both a category value and an attribute.
    case cp329 = "CP329"

    /// A step needs data that does not reach it.
    case cp401 = "CP401"
    /// Data lost at a handoff.
    case cp402 = "CP402"
    /// A handoff sends data nobody produces.
    case cp404 = "CP404"

    /// Too many steps.
    case cp501 = "CP501"
    /// Subpathways nested too deeply.
    case cp502 = "CP502"
    /// More than 64 targets in one pathway.
    case cp510 = "CP510"
    /// A resource's `priority` names an attribute that does not exist.
    case cp511 = "CP511"
    /// Subpathways nest more than 16 deep (a subpathway may call itself).
    case cp512 = "CP512"
    /// A step leads to an id that is not a step.
    case cp513 = "CP513"
    /// A condition cannot be evaluated.
    case cp514 = "CP514"
    /// A decision has no branches.
    case cp515 = "CP515"
    /// A parallel step has no paths.
    case cp516 = "CP516"
    /// A subpathway file was not loaded.
    case cp517 = "CP517"
    /// A step uses a resource that is not declared.
    case cp518 = "CP518"
    /// A step has no next step.
    case cp519 = "CP519"
    /// A target starts or stops at a step that does not exist.
    case cp520 = "CP520"
    /// The start step is not a step.
    case cp521 = "CP521"
    /// A cohort is too large for the memory limit: everyone is in the pathway at once.
    case cp530 = "CP530"
    /// A replication stopped because more patients were in the pathway at once than the memory limit holds.
    case cp531 = "CP531"
    /// So many replications that keeping their results would fill half the memory limit.
    case cp532 = "CP532"
    /// A run by days whose arrival rates would admit more than 1,000,000,000 patients in one replication.
    case cp533 = "CP533"
    /// Patients were still in the pathway when the run ended.
    case cp540 = "CP540"
    /// The run is short for its journeys (Little's law, or a long 95th-percentile journey).
    case cp541 = "CP541"
    /// A resource was busy at least 98% of its opening hours: it cannot keep up with its demand.
    case cp542 = "CP542"

    /// The standard cannot be found.
    case cp601 = "CP601"
    /// The standard is outside the pathway folder.
    case cp602 = "CP602"
    /// A cycle of `extends`.
    case cp603 = "CP603"
    /// `extends` chains too deep.
    case cp604 = "CP604"
    /// `changes` without `extends`.
    case cp605 = "CP605"
    /// A change that does not say what it does.
    case cp606 = "CP606"
    /// Not a path: a change's path is not names separated by single dots.
    case cp607 = "CP607"
    /// The change is aimed at something the standard does not have.
    case cp608 = "CP608"
    /// `after` or `before` names nothing.
    case cp609 = "CP609"
    /// Adding what is already there.
    case cp610 = "CP610"
    /// A change without its value.
    case cp611 = "CP611"
    /// `extends` is not a file path.
    case cp612 = "CP612"
    /// The standard is not a pathway file.
    case cp613 = "CP613"
    /// `after` or `before` on a change that does not add.
    case cp615 = "CP615"
    /// A path that goes inside a single value.
    case cp616 = "CP616"
    /// A weight below 0 (or not finite).
    case cp617 = "CP617"
}
