// Package examples embeds the example facilities (agreement files and the
// borrower's reports) so that `revolver demo` runs from the binary alone.
package examples

import "embed"

// FS holds btu-sovereign/ (with its reporting history) and modern-abl/
// (agreement YAML files and data/).
//
//go:embed btu-sovereign/*.yaml btu-sovereign/data/*.csv btu-sovereign/history/*.csv btu-sovereign/history/*/* modern-abl/*.yaml modern-abl/data/*.csv
var FS embed.FS
