DROP PROCEDURE stats_fold_locked;
