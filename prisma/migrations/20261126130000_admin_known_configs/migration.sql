-- CreateTable
CREATE TABLE "KnownConfig" (
    "targetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnownConfig_pkey" PRIMARY KEY ("targetId","kind","objectId")
);
