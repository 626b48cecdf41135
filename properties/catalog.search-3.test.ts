import { catalogSearchShard } from './catalogSearch.ts';

// Shard 3 of the catalog's search tests (properties/catalogSearch.ts).
catalogSearchShard(3);
