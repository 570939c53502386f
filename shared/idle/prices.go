package idle

import "github.com/cloudlens/cloudlens/shared/money"

// snapshotSitePrices are the list prices of a GB-month of standard snapshot storage by the
// currency of the site that bills it. Alibaba bills a snapshot's GiB by the hour at the price
// of OSS Standard (locally redundant) storage of its region (ECS snapshot billing): ¥0.12 a
// GB-month on the China site, USD 0.0173 on the international site (OSS storage fees, Standard
// LRS). The price is the same in every region of a site we hold a figure for; a region priced
// otherwise would be listed per region beside these.
var snapshotSitePrices = map[string]money.Micros{
	"CNY": 120_000,
	"USD": 17_300,
}

// SnapshotPrice is the list price of a GB-month of snapshot storage in region, billed in
// currency; 0 when no price is known (a snapshot finding then carries no figure).
func SnapshotPrice(region, currency string) money.Micros {
	return snapshotSitePrices[currency]
}
