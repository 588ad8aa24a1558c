package simulator

// BundleOf is the bundle id a topic belongs to: the topic without its
// push-type suffix (.voip, .complication, .push-type.liveactivity, …).
func BundleOf(topic string) string { return bundleOf(topic) }

// EffectivePushType is the push type a request was handled as: its
// apns-push-type, or without one the type its topic's suffix names
// (alert for none).
func EffectivePushType(topic string, sent PushType) PushType {
	if sent != "" {
		return sent
	}
	return pushTypeOfSuffix(topicSuffix(topic))
}
