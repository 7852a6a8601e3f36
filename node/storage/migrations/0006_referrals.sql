-- Referral between groups: a request passed on to us keeps where it came from.
ALTER TABLE items ADD COLUMN referred_from TEXT;
