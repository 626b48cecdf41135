import { catalogSearchShard } from './catalogSearch.ts';

// Shard 1 of the catalog's search tests (properties/catalogSearch.ts).
catalogSearchShard(1);
