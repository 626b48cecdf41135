import { catalogSearchShard } from './catalogSearch.ts';

// Shard 4 of the catalog's search tests (properties/catalogSearch.ts).
catalogSearchShard(4);
