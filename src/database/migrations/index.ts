import { InitialSchema1795704869502 } from './1795704869502-initial-schema';

/** Every migration, oldest first. A generated migration is added here by hand. */
export const MIGRATIONS = [InitialSchema1795704869502];
