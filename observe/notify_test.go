package observe

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestDeliveryMetrics(t *testing.T) {
	m := New()
	m.Delivery("webhook", "retrying")
	m.Delivery("webhook", "retrying")
	m.Delivery("webhook", "delivered")
	m.Delivery("email", "failed")
	for _, c := range []struct {
		channel, outcome string
		want             float64
	}{{"webhook", "retrying", 2}, {"webhook", "delivered", 1}, {"email", "failed", 1}, {"email", "delivered", 0}} {
		if got := testutil.ToFloat64(m.deliveries.WithLabelValues(c.channel, c.outcome)); got != c.want {
			t.Errorf("deliveries %s %s = %v, want %v", c.channel, c.outcome, got, c.want)
		}
	}
	if problems, err := testutil.GatherAndLint(m.Registry()); err != nil || len(problems) > 0 {
		t.Errorf("metric lint: %v %v", problems, err)
	}
	var none *Metrics
	none.Delivery("inbox", "delivered")
}
