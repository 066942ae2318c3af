namespace CallEvents.PhoneCallEvents.Handlers;

public enum FilterOp { Contains, EqualTo, StartsWith, Present }
