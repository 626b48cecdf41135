import { catalogSearchShard } from './catalogSearch.ts';

// Shard 2 of the catalog's search tests (properties/catalogSearch.ts).
catalogSearchShard(2);
