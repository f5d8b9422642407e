using Xunit;

// The tests here time arrivals at a referee: one at a time, so that none shares the machine with another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
