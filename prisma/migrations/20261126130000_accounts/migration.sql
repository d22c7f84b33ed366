-- CreateTable
CREATE TABLE "NatsOperator" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "jwt" TEXT NOT NULL,
    "targetIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NatsOperator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NatsAccount" (
    "id" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "jwt" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "system" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NatsAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NatsUser" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "jwt" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NatsUser_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NatsOperator_name_key" ON "NatsOperator"("name");

-- CreateIndex
CREATE UNIQUE INDEX "NatsOperator_publicKey_key" ON "NatsOperator"("publicKey");

-- CreateIndex
CREATE UNIQUE INDEX "NatsAccount_publicKey_key" ON "NatsAccount"("publicKey");

-- CreateIndex
CREATE UNIQUE INDEX "NatsAccount_operatorId_name_key" ON "NatsAccount"("operatorId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "NatsUser_publicKey_key" ON "NatsUser"("publicKey");

-- CreateIndex
CREATE UNIQUE INDEX "NatsUser_accountId_name_key" ON "NatsUser"("accountId", "name");

-- AddForeignKey
ALTER TABLE "NatsAccount" ADD CONSTRAINT "NatsAccount_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "NatsOperator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NatsUser" ADD CONSTRAINT "NatsUser_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "NatsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
