package observe

import "github.com/prometheus/client_golang/prometheus"

func newDeliveries() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "notification_deliveries_total",
		Help: "Notification delivery attempts finished in this process, by channel (inbox, email, webhook) and outcome (delivered; retrying: failed, another attempt follows; failed: the last attempt failed)."},
		[]string{"channel", "outcome"})
}

// Delivery counts a notification delivery attempt's outcome by channel; it
// makes *Metrics a jobs.DeliveryReporter.
func (m *Metrics) Delivery(channel, outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(channel, outcome).Inc()
}
