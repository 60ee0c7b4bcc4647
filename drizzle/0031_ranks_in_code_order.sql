-- Hand-written (drizzle-kit does not track collations). A rank is a fractional-indexing key, whose order is the
-- order of its characters' codes ("Zz" before "a0"), the order the board sorts in. Compared in the database's
-- collation, a server whose database was created in a language's locale (en_US.UTF-8, ru_RU.UTF-8: the default of
-- many installations) listed a column's deals in another order than the board's: such a locale puts "a0" before
-- "Zz". In "C" every database compares ranks as the board does, and sorts them faster.
ALTER TABLE "deals" ALTER COLUMN "rank" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "stages" ALTER COLUMN "rank" SET DATA TYPE text COLLATE "C";
