-- Performance step 2 (issue 16): a phase's first failure needs no read of its history.
-- Every failure the phase ever had, counted against its policy or handled by its pipeline's loop:
-- when it is 1, the failure just recorded is the whole history. Null on rows written before this
-- version (not known: the history is read, as before). A reset leaves it as it is.
ALTER TABLE phase_counter ADD COLUMN failures INT;
